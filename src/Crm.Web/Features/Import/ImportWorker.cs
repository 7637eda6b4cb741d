using System.Threading.Channels;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>
/// Runs checks, imports and undos in the background, one at a time per instance, so they go on when
/// the browser is closed. A run waiting for work is one whose status says so (checking, importing,
/// undoing) and whose lease is free; an instance takes it by setting the lease (a conditional UPDATE,
/// so two instances never take the same run) and renews it while it works. A lease that runs out means
/// the instance died: its transaction died with it, so another instance (or this one after a restart)
/// starts that run again from the beginning: an import is never left half done.
/// </summary>
public sealed partial class ImportWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptionsMonitor<ImportOptions> options, ILogger<ImportWorker> logger)
    : BackgroundService
{
    // One pending wake-up is enough: it means "look again now".
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(5, options.CurrentValue.LeaseSeconds));

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (options.CurrentValue.RunInBackground && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunNextAsync(stoppingToken))
                {
                    // Another may be waiting.
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker must outlive a failed pass (a database restart): log it and look again later.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogPassFailed(e);
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            tick.CancelAfter(Lease / 2);
            try
            {
                await _wake.Reader.ReadAsync(tick.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The tick: look for runs whose lease ran out.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes and runs one waiting run; false when there was none.</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var waiting = await db.ImportRuns.AsNoTracking()
            .Where(r => (r.Status == ImportStatuses.Checking || r.Status == ImportStatuses.Importing || r.Status == ImportStatuses.Undoing)
                && (r.LeaseUntil == null || r.LeaseUntil < now))
            .OrderBy(r => r.Id).Select(r => new { r.Id, r.LeaseUntil }).FirstOrDefaultAsync(cancellationToken);
        if (waiting is null)
        {
            return false;
        }

        var taken = await db.ImportRuns
            .Where(r => r.Id == waiting.Id && r.LeaseUntil == waiting.LeaseUntil
                && (r.Status == ImportStatuses.Checking || r.Status == ImportStatuses.Importing || r.Status == ImportStatuses.Undoing))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, now + Lease), cancellationToken);
        if (taken == 0)
        {
            return true; // Another instance took it first: look for the next.
        }

        if (waiting.LeaseUntil is not null)
        {
            LogTakenOver(waiting.Id);
        }

        using var work = scopes.CreateScope();
        var status = await db.ImportRuns.Where(r => r.Id == waiting.Id).Select(r => r.Status).SingleAsync(cancellationToken);
        var running = status == ImportStatuses.Undoing
            ? work.ServiceProvider.GetRequiredService<UndoImport>().RunAsync(waiting.Id, cancellationToken)
            : work.ServiceProvider.GetRequiredService<RunImport>().RunAsync(waiting.Id, cancellationToken);
        await RenewWhileAsync(running, waiting.Id, cancellationToken);
        return true;
    }

    /// <summary>Keeps the lease while the run works, from a connection of its own (the run's is inside its transaction).</summary>
    private async Task RenewWhileAsync(Task running, int runId, CancellationToken cancellationToken)
    {
        while (await Task.WhenAny(running, Task.Delay(Lease / 3, clock, cancellationToken)) != running)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
                var until = clock.GetUtcNow().UtcDateTime + Lease;
                await db.ImportRuns.Where(r => r.Id == runId && r.LeaseUntil != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, until), cancellationToken);
            }
#pragma warning disable CA1031 // A missed renewal is retried at the next one; the run goes on.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogRenewFailed(runId, e);
            }
        }

        await running;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An import pass failed; the worker looks again at its next tick")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {RunId} was left by a stopped instance; starting it again from the beginning")]
    private partial void LogTakenOver(int runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of import {RunId}")]
    private partial void LogRenewFailed(int runId, Exception exception);
}
