namespace Crm.Web.Features.Email;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP, for a relay on the same machine or network.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS (port 587, the submission port).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465, "SMTPS").</summary>
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

    /// <summary>
    /// SHA-256 thumbprints (64 hex digits; colons and spaces allowed, several separated by commas)
    /// of server certificates trusted although no authority vouches for them: a local relay's
    /// self-signed certificate. Only that exact certificate is trusted; every other one is
    /// validated as usual. Configuration only (ADR 0016), applied to every SMTP connection.
    /// </summary>
    public string? TrustedCertificateThumbprint { get; set; }

    /// <summary>The thumbprints of <see cref="TrustedCertificateThumbprint"/>, upper case without separators; the malformed ones are left out (<see cref="Problems"/> names them).</summary>
    public IReadOnlyList<string> TrustedThumbprints() => [.. ThumbprintEntries().Where(IsSha256Hex)];

    private IEnumerable<string> ThumbprintEntries() => (TrustedCertificateThumbprint ?? "")
        .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(t => string.Concat(t.Where(c => c is not (':' or ' ' or '-'))).ToUpperInvariant());

    private static bool IsSha256Hex(string thumbprint) => thumbprint.Length == 64 && thumbprint.All(char.IsAsciiHexDigit);

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

        if (!Enum.IsDefined(Security))
        {
            problems.Add($"Email:Smtp:Security must be StartTls, SslOnConnect or None (it is {Security}).");
        }

        foreach (var wrong in ThumbprintEntries().Where(t => !IsSha256Hex(t)))
        {
            problems.Add($"Email:Smtp:TrustedCertificateThumbprint must hold SHA-256 thumbprints of 64 hexadecimal digits; \"{wrong}\" is not one" +
                (wrong.Length == 40 ? " (it looks like a SHA-1 thumbprint: give the SHA-256 one, e.g. from openssl x509 -noout -fingerprint -sha256)." : "."));
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
