using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email;

/// <summary>
/// Makes one queued or blocked message due now, with a fresh set of attempts (the administrator
/// fixed the cause: a mailbox, the settings), and wakes the worker.
/// </summary>
public sealed class RetryEmail(CrmDb db, ActivityLog activity, EmailDelivery worker, TimeProvider clock)
{
    public async Task<Result<Guid>> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<Guid>.Forbidden("Only administrators can retry emails.");
        }

        var message = await db.OutgoingEmails.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (message is null)
        {
            return Result<Guid>.NotFound();
        }

        if (message.Status is EmailStatus.Sent or EmailStatus.Discarded)
        {
            return Result<Guid>.Conflict($"This email is already {(message.Status == EmailStatus.Sent ? "sent" : "discarded")}: there is nothing to retry.");
        }

        message.Status = EmailStatus.Queued;
        message.Attempts = 0;
        message.NextAttemptAt = clock.GetUtcNow().UtcDateTime;
        activity.Record(actor, ActivityKinds.EmailRetried, $"Retried the {message.Purpose} email \"{message.Subject}\" to {message.To}.");
        await db.SaveChangesAsync(cancellationToken);
        worker.Wake();
        return Result<Guid>.Ok(message.Id);
    }
}
