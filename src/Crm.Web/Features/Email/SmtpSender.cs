using Crm.Web.Features.Settings;
using MimeKit;

namespace Crm.Web.Features.Email;

/// <summary>The server's refusal or the network failure, in the words that explain it.</summary>
public sealed class EmailNotSentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Hands one message to an SMTP server with MailKit (<see cref="SmtpConversation"/>: STARTTLS,
/// implicit TLS or none, certificate validation, AUTH). Failures become
/// <see cref="EmailNotSentException"/> carrying the server's exact reply.
/// </summary>
public sealed class SmtpSender(EffectiveSmtpSettings settings)
{
    /// <summary>
    /// The whole conversation (connect, TLS, AUTH, the message, QUIT) and each read or write.
    /// Well under the worker's lease (<see cref="EmailDelivery.Lease"/>), so a hung server cannot
    /// let a second worker take the message.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

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

        using var message = Compose(smtp.From!, to, subject, textBody, htmlBody);
        try
        {
            using var conversation = await SmtpConversation.OpenAsync(smtp, Timeout, cancellationToken);
            await conversation.SendAsync(message, cancellationToken);
            await conversation.CloseAsync();
        }
        catch (SmtpConversationException e)
        {
            throw new EmailNotSentException(e.Message, e.InnerException);
        }
    }

    private static MimeMessage Compose(string from, string to, string subject, string textBody, string? htmlBody)
    {
        MailboxAddress sender, recipient;
        try
        {
            sender = MailboxAddress.Parse(from);
            recipient = MailboxAddress.Parse(to);
        }
        catch (ParseException e)
        {
            // A malformed sender or recipient address: no server would take it, say which.
            throw new EmailNotSentException($"The address is not valid ({from} → {to}): {e.Message}", e);
        }

        var text = new TextPart("plain") { Text = textBody };
        return new MimeMessage([sender], [recipient], subject,
            // The text first, the HTML last: in multipart/alternative the last part is the preferred one.
            htmlBody is null ? text : new MultipartAlternative { text, new TextPart("html") { Text = htmlBody } });
    }
}
