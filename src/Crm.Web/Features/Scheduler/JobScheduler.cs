using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Scheduler;

/// <summary>How often the scheduler looks for due jobs (<c>Scheduler:*</c>).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Off: this instance runs no job on its own (another instance does, or a test drives it).</summary>
    public bool Enabled { get; set; } = true;

    public int TickSeconds { get; set; } = 5;
}

/// <summary>
/// The in-process scheduler (no external cron): every few seconds it runs the registered jobs that
/// are due. A job's row in ScheduledJobs is its lease: a run starts only after a conditional UPDATE
/// that succeeds when the job is due and its lease free or lapsed, so on any number of instances
/// over one database (SQLite or PostgreSQL) a job runs on one of them at a time.
/// </summary>
public sealed partial class JobScheduler(
    IServiceScopeFactory scopes,
    IEnumerable<RecurringJobDefinition> jobs,
    IOptionsMonitor<SchedulerOptions> options,
    TimeProvider clock,
    ILogger<JobScheduler> logger) : BackgroundService
{
    /// <summary>How long a run holds its job; a run that outlives it (its instance died) lets another instance take over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    private readonly Guid _instance = Guid.CreateVersion7();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!options.CurrentValue.Enabled)
        {
            LogDisabled();
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.TickSeconds)), clock, stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: a tick cut short (or one that found the services disposed, after a
                // failed start) is not a failure.
                return;
            }
#pragma warning disable CA1031 // The scheduler must outlive a failed tick (database restart, …): log it and try again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogTickFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.TickSeconds)), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Runs every job that is due and that this instance could claim; returns their names.</summary>
    public async Task<IReadOnlyList<string>> RunDueAsync(CancellationToken cancellationToken)
    {
        var ran = new List<string>();
        foreach (var job in jobs)
        {
            if (await TryClaimAsync(job.Name, cancellationToken) is { } started)
            {
                await RunAsync(job, started, cancellationToken);
                ran.Add(job.Name);
            }
        }

        return ran;
    }

    /// <summary>The conditional UPDATE: one affected row means this instance holds the job now.</summary>
    private async Task<DateTime?> TryClaimAsync(string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        await EnsureRowAsync(db, name, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        var claimed = await db.ScheduledJobs
            .Where(j => j.Name == name && (j.LeasedUntil == null || j.LeasedUntil < now) && (j.NextRunAt == null || j.NextRunAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseHolder, _instance).SetProperty(j => j.LeasedUntil, until).SetProperty(j => j.LastStartedAt, now),
                cancellationToken);
        return claimed == 1 ? now : null;
    }

    private async Task RunAsync(RecurringJobDefinition job, DateTime started, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var work = (IRecurringJob)scope.ServiceProvider.GetRequiredService(job.JobType);
            await work.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "Stopped: the instance was shutting down.";
        }
#pragma warning disable CA1031 // A failing job is recorded on its row and in the log; the others still run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e.Message.Length <= 2000 ? e.Message : e.Message[..1999] + "…";
            LogJobFailed(job.Name, e);
        }

        var finished = clock.GetUtcNow().UtcDateTime;
        await using var done = scopes.CreateAsyncScope();
        var db = done.ServiceProvider.GetRequiredService<CrmDb>();
        await db.ScheduledJobs.Where(j => j.Name == job.Name && j.LeaseHolder == _instance)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LastFinishedAt, finished)
                .SetProperty(j => j.LastOutcome, error == null ? Succeeded : Failed)
                .SetProperty(j => j.LastError, error)
                .SetProperty(j => j.NextRunAt, started + job.Interval)
                .SetProperty(j => j.LeaseHolder, (Guid?)null)
                .SetProperty(j => j.LeasedUntil, (DateTime?)null), CancellationToken.None);
        if (error is null)
        {
            LogJobRan(job.Name, (finished - started).TotalMilliseconds);
        }
    }

    /// <summary>Creates the job's row once; a concurrent creator on another instance is no error.</summary>
    internal static Task EnsureRowAsync(CrmDb db, string name, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""INSERT INTO "ScheduledJobs" ("Name") VALUES ({name}) ON CONFLICT ("Name") DO NOTHING""", cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "The scheduler is disabled on this instance (Scheduler:Enabled=false)")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler tick failed; trying again at the next tick")]
    private partial void LogTickFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled job {Job} failed")]
    private partial void LogJobFailed(string job, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduled job {Job} ran in {Milliseconds} ms")]
    private partial void LogJobRan(string job, double milliseconds);
}
