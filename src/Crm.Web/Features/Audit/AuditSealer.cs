using System.Threading.Channels;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>
/// Extends the hash chain behind the writers (ADR 0009). Writers save their entries unsealed with
/// their change and wake this worker; it waits a moment so that one round seals what several
/// requests wrote, then seals every committed entry in the order written. It also looks once a
/// second, for entries committed by a caller's own transaction after the wake-up. Verification
/// and retention call <see cref="AuditChain.SealAsync(CrmDb, CancellationToken)"/> themselves, so they always see the whole trail.
/// Several instances over one database are safe: sealing runs under the chain lock.
/// </summary>
public sealed partial class AuditSealer(IServiceScopeFactory scopes, ILogger<AuditSealer> logger) : BackgroundService
{
    // Real time, not the CRM's clock: these pace a background worker and mean nothing to the trail.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(1);

    // One pending wake-up is enough: it means "seal soon", however many asked.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a sealing round soon: called after every save that wrote entries.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (failed)
                {
                    failed = false;
                    await Task.Delay(Look, stoppingToken);
                }

                using (var look = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    look.CancelAfter(Look);
                    if (await WokenAsync(look.Token))
                    {
                        await Task.Delay(Gather, stoppingToken);
                    }
                }

                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
                // An idle CRM answers this from the (then empty) work list, without a transaction.
                if (await db.AuditPending.AnyAsync(stoppingToken))
                {
                    await AuditChain.SealAsync(db, logger, stoppingToken);
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: a round cut short (or one that found the services already disposed, after
                // a failed start) is not a failure; the next start seals what is left.
                return;
            }
#pragma warning disable CA1031 // The worker must outlive a failed round (database restart, …): the next round seals what this one left.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRoundFailed(e);
                failed = true;
            }
        }
    }

    private async Task<bool> WokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _wake.Reader.ReadAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing the audit trail failed; the next round retries")]
    private partial void LogRoundFailed(Exception exception);
}
