namespace Crm.Web.Features.Email;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP, for a relay on the same machine or network.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS (port 587, the submission port).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465). System.Net.Mail cannot do this: refused with a message.</summary>
    SslOnConnect,
}

/// <summary>
/// The SMTP server the CRM sends through, from settings (<c>Email:Smtp:*</c>) until the settings
/// pages store them. Without a host, email delivery is off and messages wait in the queue.
/// </summary>
public sealed class SmtpSettings
{
    public const string Section = "Email:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? UserName { get; set; }

    /// <summary>Never logged, never shown.</summary>
    public string? Password { get; set; }

    public string? From { get; set; }

    /// <summary>True when these come from the settings page (the database), not from configuration.</summary>
    internal bool Stored { get; init; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>What is wrong with these settings, in the administrator's words; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!IsConfigured)
        {
            problems.Add("No SMTP server is configured: set Email:Smtp:Host (and Port, Security, From, UserName, Password).");
            return problems;
        }

        if (Port is < 1 or > 65535)
        {
            problems.Add($"Email:Smtp:Port must be between 1 and 65535 (it is {Port}).");
        }

        if (Security == SmtpSecurity.SslOnConnect)
        {
            // System.Net.Mail only knows STARTTLS (EnableSsl); it would speak plain SMTP into a TLS
            // port and hang until the timeout. Saying so beats pretending.
            problems.Add("Implicit TLS (SslOnConnect, usually port 465) is not supported by the CRM's mail client: " +
                "use StartTls on port 587, which almost every provider offers.");
        }

        if (string.IsNullOrWhiteSpace(From) || !From.Contains('@', StringComparison.Ordinal))
        {
            problems.Add("Email:Smtp:From must be the sender address, like crm@example.com.");
        }

        if (string.IsNullOrWhiteSpace(UserName) != string.IsNullOrWhiteSpace(Password))
        {
            problems.Add("Set both Email:Smtp:UserName and Email:Smtp:Password, or neither (for a relay without authentication).");
        }

        return problems;
    }
}
