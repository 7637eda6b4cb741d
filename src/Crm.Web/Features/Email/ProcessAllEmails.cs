using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email;

public sealed record ProcessedEmails(int Count);

/// <summary>
/// "Process all": every queued and blocked message becomes due now (blocked ones with a fresh set
/// of attempts), and the worker is woken. For after an outage, once the server is back.
/// </summary>
public sealed class ProcessAllEmails(CrmDb db, ActivityLog activity, EmailDelivery worker, TimeProvider clock)
{
    public async Task<Result<ProcessedEmails>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<ProcessedEmails>.Forbidden("Only administrators can process the email queue.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var count = await db.OutgoingEmails
            .Where(e => e.Status == EmailStatus.Queued || e.Status == EmailStatus.Blocked)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Attempts, e => e.Status == EmailStatus.Blocked ? 0 : e.Attempts)
                .SetProperty(e => e.Status, EmailStatus.Queued)
                .SetProperty(e => e.NextAttemptAt, now), cancellationToken);
        activity.Record(actor, ActivityKinds.EmailQueueProcessed, $"Processed the email queue: {count} message(s) due now.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        worker.Wake();
        return Result<ProcessedEmails>.Ok(new ProcessedEmails(count));
    }
}
