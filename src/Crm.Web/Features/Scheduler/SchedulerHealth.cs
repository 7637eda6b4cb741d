using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Scheduler;

/// <summary>The seed's "cron last_run": minutes since the scheduler last started a recurring job (health's own job runs every minute).</summary>
public sealed class SchedulerHealth(CrmDb db, IEnumerable<RecurringJobDefinition> jobs) : IHealthIndicator
{
    public const string Key = "scheduler-last-run";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Scheduler last run",
        "Minutes since the scheduler last started a recurring job. Above 5 the scheduler has stopped: the CRM is down on every instance, or its jobs cannot claim their rows.",
        "/admin/scheduler", "minutes", HealthDirection.HigherIsWorse, 2, 5, 0, 1440)
    { WithoutFigure = HealthState.Critical, Order = 10 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var names = jobs.Select(j => j.Name).ToList();
        var runs = await db.ScheduledJobs.AsNoTracking().Where(j => names.Contains(j.Name) && j.LastStartedAt != null)
            .Select(j => new { j.Name, j.LastStartedAt }).ToListAsync(cancellationToken);
        if (runs.Count == 0)
        {
            return new HealthFigure(null, "No recurring job has run yet: the scheduler may be stopped");
        }

        var last = runs.MaxBy(r => r.LastStartedAt)!;
        var minutes = Math.Round(Math.Max(0, (now - last.LastStartedAt!.Value).TotalMinutes), 1);
        return new HealthFigure(minutes, $"The last job ({last.Name}) started {HealthIndicatorRegistration.Number(minutes)} minutes ago");
    }
}
