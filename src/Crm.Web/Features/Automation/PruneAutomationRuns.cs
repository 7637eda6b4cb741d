using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>
/// Retention of the run log (<c>Automation:RunLogDays</c>, 30 by default): runs older than that go
/// with their actions, unless one of their actions is still waiting for a retry, which keeps the
/// run (and its log) until the action is done or has failed. The occurrences of date and scheduled
/// rules (a scheduled rule's days done too) go once they are past both the run log's days and the
/// catch-up window.
/// </summary>
public sealed class PruneAutomationRuns(CrmDb db, IOptionsMonitor<AutomationOptions> options, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "prune-automation-runs";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(1, options.CurrentValue.RunLogDays));
        var old = db.Set<AutomationRun>()
            .Where(r => r.At < cutoff && !db.Set<AutomationActionRun>().Any(a => a.RunId == r.Id && a.Status == AutomationActionStatus.Pending))
            .Select(r => r.Id);
        await db.Set<AutomationActionRun>().Where(a => old.Contains(a.RunId)).ExecuteDeleteAsync(cancellationToken);
        await db.Set<AutomationRun>().Where(r => old.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);

        // An occurrence is kept while its day can still be due (the catch-up days), so it never fires twice.
        var fired = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(options.CurrentValue.RunLogDays, options.CurrentValue.DateCatchUpDays + 2));
        await db.Set<AutomationOccurrence>().Where(o => o.FiredAt < fired).ExecuteDeleteAsync(cancellationToken);
    }
}
