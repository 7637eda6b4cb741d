using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email;

public sealed record EmailQueueCounts(int Queued, int Failing, int Sent, int Blocked, int Discarded);

/// <summary>A message as the queue page shows it: never its body.</summary>
public sealed record QueuedEmail(
    Guid Id, string To, string Subject, string Purpose, EmailStatus Status, int Attempts,
    DateTime CreatedAt, DateTime? NextAttemptAt, string? LastError);

/// <param name="Counts">How many messages are in each state; Failing counts queued ones that failed at least once.</param>
/// <param name="DeliveryProblems">Why delivery is off or cannot work with the current settings; empty when it can.</param>
/// <param name="Troubled">Blocked messages and queued ones that failed at least once, newest first (at most 200).</param>
public sealed record EmailQueueView(EmailQueueCounts Counts, IReadOnlyList<string> DeliveryProblems, IReadOnlyList<QueuedEmail> Troubled);

/// <summary>The state of the outbox for the administrator: counts by state and what needs attention.</summary>
public sealed class ReadEmailQueueState(CrmDb db, SmtpSender sender)
{
    public const int MaxListed = 200;

    public async Task<Result<EmailQueueView>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<EmailQueueView>.Forbidden("Only administrators can see the email queue.");
        }

        var byStatus = await db.OutgoingEmails.GroupBy(e => e.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Status, g => g.Count, cancellationToken);
        var failing = await db.OutgoingEmails.CountAsync(e => e.Status == EmailStatus.Queued && e.Attempts > 0, cancellationToken);
        var counts = new EmailQueueCounts(
            byStatus.GetValueOrDefault(EmailStatus.Queued), failing, byStatus.GetValueOrDefault(EmailStatus.Sent),
            byStatus.GetValueOrDefault(EmailStatus.Blocked), byStatus.GetValueOrDefault(EmailStatus.Discarded));

        var troubled = await db.OutgoingEmails
            .Where(e => e.Status == EmailStatus.Blocked || (e.Status == EmailStatus.Queued && e.Attempts > 0))
            .OrderByDescending(e => e.CreatedAt)
            .Take(MaxListed)
            .Select(e => new QueuedEmail(e.Id, e.To, e.Subject, e.Purpose, e.Status, e.Attempts, e.CreatedAt, e.NextAttemptAt, e.LastError))
            .ToListAsync(cancellationToken);

        return Result<EmailQueueView>.Ok(new EmailQueueView(counts, (await sender.ReadSettingsAsync(cancellationToken)).Problems(), troubled));
    }
}
