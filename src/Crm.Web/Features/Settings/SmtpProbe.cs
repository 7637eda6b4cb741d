using Crm.Web.Features.Email;

namespace Crm.Web.Features.Settings;

/// <summary>Where a probe failed: the form field to blame and the exact reason.</summary>
public sealed record SmtpProbeFailure(string Field, string Message);

/// <summary>
/// Tries SMTP settings before they are saved, over the same MailKit connection the sender uses
/// (<see cref="SmtpConversation"/>): connect, greeting, EHLO, STARTTLS or implicit TLS with the
/// certificate checked, AUTH when a user name and password are given and the server offers it,
/// NOOP and QUIT, all within a short timeout. It never sends a message.
/// </summary>
public static class SmtpProbe
{
    /// <summary>The failure, or none when the server answered; <c>SignedIn</c>: it offered AUTH and accepted the user name and password.</summary>
    public static async Task<(SmtpProbeFailure? Failure, bool SignedIn)> TryAsync(SmtpSettings smtp, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var conversation = await SmtpConversation.OpenAsync(smtp, timeout, cancellationToken);
            await conversation.NoOpAsync(cancellationToken);
            var signedIn = conversation.SignedIn;
            await conversation.CloseAsync();
            return (null, signedIn);
        }
        catch (SmtpConversationException e)
        {
            return (new SmtpProbeFailure(e.Problem.Field, e.Problem.Message), false);
        }
    }
}
