using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Scheduler;

/// <summary>
/// Lets a worker with a loop of its own (email delivery) record its runs on its ScheduledJobs row,
/// so the scheduler page shows it with the others. No lease: such a worker coordinates per item.
/// </summary>
public sealed class JobReports(IServiceScopeFactory scopes)
{
    public async Task RecordAsync(string name, DateTime started, DateTime finished, string? error, DateTime nextRun, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        await JobScheduler.EnsureRowAsync(db, name, cancellationToken);
        var bounded = error is { Length: > 2000 } ? error[..1999] + "…" : error;
        await db.ScheduledJobs.Where(j => j.Name == name).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LastStartedAt, started)
            .SetProperty(j => j.LastFinishedAt, finished)
            .SetProperty(j => j.LastOutcome, bounded == null ? JobScheduler.Succeeded : JobScheduler.Failed)
            .SetProperty(j => j.LastError, bounded)
            .SetProperty(j => j.NextRunAt, nextRun), cancellationToken);
    }
}
