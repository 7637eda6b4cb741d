using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Scheduler;

/// <summary>A job as the scheduler page shows it. <c>IsLate</c>: never run, or not run for 5 minutes past its interval.</summary>
public sealed record JobView(string Name, string Description, int IntervalSeconds, DateTime? LastStartedAt, DateTime? LastFinishedAt,
    double? DurationSeconds, string? Outcome, string? LastError, DateTime? NextRunAt, bool IsRunning, bool IsLate);

/// <summary>Every job with its last run, outcome, duration and next run (<c>/admin/scheduler</c>, <c>GET /api/v1/scheduler</c>).</summary>
public sealed class ReadSchedule(CrmDb db, IEnumerable<RecurringJobDefinition> jobs, IEnumerable<ReportingJobDefinition> reporting, TimeProvider clock)
{
    /// <summary>How long past its interval a job may go without running before it shows as a warning.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public async Task<Result<IReadOnlyList<JobView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<JobView>>.Forbidden("Only administrators can see the scheduler.");
        }

        var rows = await db.ScheduledJobs.AsNoTracking().ToDictionaryAsync(j => j.Name, StringComparer.Ordinal, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var all = jobs.Select(j => (j.Name, j.Description, j.Interval)).Concat(reporting.Select(r => (r.Name, r.Description, r.Interval)));
        var views = all.OrderBy(j => j.Name, StringComparer.Ordinal).Select(j =>
        {
            var row = rows.GetValueOrDefault(j.Name);
            var running = row?.LeaseHolder is not null && row.LeasedUntil >= now;
            var late = row?.LastStartedAt is not { } last || now - last > j.Interval + Tolerance;
            double? duration = row is { LastStartedAt: { } s, LastFinishedAt: { } f } && f >= s ? (f - s).TotalSeconds : null;
            return new JobView(j.Name, j.Description, (int)j.Interval.TotalSeconds, row?.LastStartedAt, row?.LastFinishedAt, duration,
                row?.LastOutcome, row?.LastError, row?.NextRunAt, running, late);
        }).ToList();
        return Result<IReadOnlyList<JobView>>.Ok(views);
    }
}
