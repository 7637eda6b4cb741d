using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// The use of each token (last use, requests and errors per day), counted in memory as requests end
/// and written in one batch every few seconds and at shutdown (ADR 0028): a busy integration no
/// longer costs a database write per read. Each flush adds to what is stored, so several instances
/// each add their own counts and none overwrites another's. What a crash loses is the counts of
/// the last few seconds; a failed flush keeps its counts for the next one.
/// </summary>
public sealed partial class ApiTokenUsage(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ApiTokenUsage> logger) : IDisposable
{
    private sealed class Tally
    {
        public long Requests;
        public long Errors;
        public DateTime LastUsedAt;
    }

    private readonly Lock _gate = new();
    private Dictionary<(Guid Token, DateOnly Day), Tally> _pending = [];

    // One flush at a time: the timer's and a test's or the shutdown's would otherwise race for the same rows.
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Counts one request of <paramref name="tokenId"/> that ended with <paramref name="statusCode"/>.</summary>
    public void Count(Guid tokenId, int statusCode)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            var key = (tokenId, DateOnly.FromDateTime(now));
            if (!_pending.TryGetValue(key, out var tally))
            {
                _pending[key] = tally = new Tally();
            }

            tally.Requests++;
            tally.Errors += statusCode >= 400 ? 1 : 0;
            tally.LastUsedAt = now > tally.LastUsedAt ? now : tally.LastUsedAt;
        }
    }

    /// <summary>Writes what was counted since the last flush, in one transaction; nothing if nothing was.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<(Guid Token, DateOnly Day), Tally> taken;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                taken = _pending;
                _pending = [];
            }

            try
            {
                await WriteAsync(taken, cancellationToken);
            }
            catch (Exception e)
            {
                // Kept for the next flush rather than lost: a database that is briefly away costs no counts.
                Restore(taken);
                LogFlushFailed(logger, e);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task WriteAsync(Dictionary<(Guid Token, DateOnly Day), Tally> taken, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A token removed between its request and the flush has nowhere to keep its figures.
        var tokens = taken.Keys.Select(k => k.Token).Distinct().ToList();
        var known = (await db.ApiTokens.Where(t => tokens.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var ((token, day), tally) in taken.Where(p => known.Contains(p.Key.Token)))
        {
            // Added to the stored row, never written over it: another instance may have added its own.
            // Two instances adding the first row of a day at once: one insert fails, its counts are
            // kept, and its next flush finds the row.
            var updated = await db.ApiTokenDailyUsage.Where(u => u.TokenId == token && u.Day == day)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Requests, x => x.Requests + tally.Requests).SetProperty(x => x.Errors, x => x.Errors + tally.Errors), cancellationToken);
            if (updated == 0)
            {
                db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = token, Day = day, Requests = tally.Requests, Errors = tally.Errors });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var perToken in taken.Where(p => known.Contains(p.Key.Token)).GroupBy(p => p.Key.Token))
        {
            var requests = perToken.Sum(p => p.Value.Requests);
            var last = perToken.Max(p => p.Value.LastUsedAt);
            await db.ApiTokens.Where(t => t.Id == perToken.Key)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.UseCount, t => t.UseCount + requests)
                    .SetProperty(t => t.LastUsedAt, t => t.LastUsedAt == null || t.LastUsedAt < last ? last : t.LastUsedAt), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private void Restore(Dictionary<(Guid Token, DateOnly Day), Tally> taken)
    {
        lock (_gate)
        {
            foreach (var (key, tally) in taken)
            {
                if (_pending.TryGetValue(key, out var newer))
                {
                    newer.Requests += tally.Requests;
                    newer.Errors += tally.Errors;
                    newer.LastUsedAt = tally.LastUsedAt > newer.LastUsedAt ? tally.LastUsedAt : newer.LastUsedAt;
                }
                else
                {
                    _pending[key] = tally;
                }
            }
        }
    }

    public void Dispose() => _flushing.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "API token usage could not be written; the counts are kept for the next attempt")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}

/// <summary>How often <see cref="ApiTokenUsage"/> writes its counts (<c>ApiTokens:UsageFlushSeconds</c>).</summary>
public sealed class ApiTokenUsageOptions
{
    public int UsageFlushSeconds { get; set; } = 10;
}

/// <summary>Flushes <see cref="ApiTokenUsage"/> on its interval and once more when the app stops.</summary>
public sealed class ApiTokenUsageWriter(ApiTokenUsage usage, IOptionsMonitor<ApiTokenUsageOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Real time: this paces a worker and means nothing to the figures, which carry their own times.
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.UsageFlushSeconds)), stoppingToken);
                await usage.FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed flush is logged and its counts kept; the worker tries again next time.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await usage.FlushAsync(cancellationToken);
        }
#pragma warning disable CA1031 // Stopping goes on without the last few seconds' counts rather than fail.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
