using System.Net;
using System.Net.Mail;
using System.Text;
using Crm.Web.Features.Settings;

namespace Crm.Web.Features.Email;

/// <summary>The server's refusal or the network failure, in the words that explain it.</summary>
public sealed class EmailNotSentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Hands one message to the configured SMTP server with System.Net.Mail (MailKit is not served
/// here). Failures become <see cref="EmailNotSentException"/> carrying the server's exact reply.
/// </summary>
public sealed class SmtpSender(EffectiveSmtpSettings settings)
{
    /// <summary>The settings in force now: stored by an administrator, else configuration.</summary>
    public Task<SmtpSettings> ReadSettingsAsync(CancellationToken cancellationToken) => settings.ReadAsync(cancellationToken);

    public async Task SendAsync(string to, string subject, string textBody, CancellationToken cancellationToken) =>
        await SendAsync(await settings.ReadAsync(cancellationToken), to, subject, textBody, null, cancellationToken);

    /// <summary>Sends through <paramref name="smtp"/>; with an HTML body the message is multipart/alternative (text first, then HTML).</summary>
    public static async Task SendAsync(SmtpSettings smtp, string to, string subject, string textBody, string? htmlBody, CancellationToken cancellationToken)
    {
        if (smtp.Problems() is [var first, ..])
        {
            throw new EmailNotSentException(first);
        }

        try
        {
            using var message = new MailMessage(new MailAddress(smtp.From!), new MailAddress(to))
            {
                Subject = subject,
                SubjectEncoding = Encoding.UTF8,
                Body = textBody,
                BodyEncoding = Encoding.UTF8,
                IsBodyHtml = false,
            };
            if (htmlBody is not null)
            {
                // The text stays the body; the HTML is the preferred alternative (last wins in MIME).
                message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(htmlBody, Encoding.UTF8, "text/html"));
            }

            using var client = new SmtpClient(smtp.Host, smtp.Port)
            {
                EnableSsl = smtp.Security == SmtpSecurity.StartTls,
                DeliveryMethod = SmtpDeliveryMethod.Network,
                // Well under the worker's lease, so a hung server cannot let a second worker take the message.
                Timeout = 60_000,
            };
            if (!string.IsNullOrWhiteSpace(smtp.UserName))
            {
                client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
            }

            await client.SendMailAsync(message, cancellationToken);
        }
        catch (FormatException e)
        {
            // A malformed sender or recipient address: no server would take it, say which.
            throw new EmailNotSentException($"The address is not valid ({smtp.From} → {to}): {e.Message}", e);
        }
        catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException)
        {
            throw new EmailNotSentException(Describe(e), e);
        }
    }

    /// <summary>
    /// The whole chain of messages: SmtpClient's own ("Failure sending mail.") says little, the
    /// inner one ("Connection refused") or the server's reply is what the administrator needs.
    /// </summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            var text = current.Message.Trim();
            if (text.Length > 0 && !parts.Contains(text))
            {
                parts.Add(text);
            }
        }

        var described = string.Join(" ", parts);
        return described.Length <= 2000 ? described : described[..1999] + "…";
    }
}
