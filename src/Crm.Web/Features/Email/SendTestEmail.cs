using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email;

/// <param name="Recipient">The administrator's own address.</param>
/// <param name="Error">The server's exact answer when the message was not accepted; null when it was.</param>
public sealed record TestEmailOutcome(string Recipient, string? Error)
{
    public bool Sent => Error is null;
}

/// <summary>
/// Sends a test message to the administrator at once, bypassing the queue, so the answer on the
/// page is the server's own: accepted, or its exact error.
/// </summary>
public sealed class SendTestEmail(CrmDb db, SmtpSender sender, ActivityLog activity)
{
    public async Task<Result<TestEmailOutcome>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview || actor.UserId is null)
        {
            return Result<TestEmailOutcome>.Forbidden("Only administrators can send a test email.");
        }

        var recipient = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(recipient))
        {
            return Result<TestEmailOutcome>.Conflict("Your account has no email address to send the test to.");
        }

        string? error = null;
        try
        {
            var smtp = await sender.ReadSettingsAsync(cancellationToken);
            await SmtpSender.SendAsync(smtp, recipient, "Test email from the CRM",
                $"""
                Hello {actor.DisplayName},

                This is a test email from the CRM. It was sent through {smtp.Host}:{smtp.Port} ({smtp.Security}).
                If you can read it, outgoing email works.
                """,
                null,
                cancellationToken);
        }
        catch (EmailNotSentException e)
        {
            error = e.Message;
        }

        activity.Record(actor, ActivityKinds.EmailTestSent,
            error is null ? $"Sent a test email to {recipient}." : $"A test email to {recipient} failed: {error}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<TestEmailOutcome>.Ok(new TestEmailOutcome(recipient, error));
    }
}
