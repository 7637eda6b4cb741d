using System.Threading.Channels;

namespace Crm.Web.Features.Audit;

/// <summary>
/// The loop of a background reader of the sealed audit trail (webhooks, automation), one per
/// instance: a pass every interval, or at once when woken, and a failed pass (database restart, …)
/// logged and tried again at the next tick. The pass itself is the reader's.
/// </summary>
public abstract partial class TrailWorker(ILogger logger, Web.PeopleAtWork people) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Off: this instance runs no passes on its own (another instance does, or a test drives it).</summary>
    protected abstract bool Enabled { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>The setting that turns the worker off, for the log.</summary>
    protected abstract string EnabledSetting { get; }

    /// <summary>
    /// True: a pass that did some work is followed by the next one at once, not after the interval,
    /// so a reader under a steady stream of changes keeps up instead of idling a tick between
    /// batches. Only for a reader whose work, once attempted, is never due again at once (webhook
    /// deliveries, automation actions).
    /// </summary>
    protected virtual bool AgainAfterWork => false;

    /// <summary>One pass; returns how many pieces of work were done.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called before each batch of a pass: while people's requests keep every core busy, the batch
    /// waits a little (ADR 0057), so the CRM's own background work does not slow the saves it reports on.
    /// </summary>
    protected Task LetPeopleGoFirstAsync(CancellationToken cancellationToken) => people.LetThemGoFirstAsync(cancellationToken);

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!Enabled)
        {
            LogDisabled(GetType().Name, EnabledSetting);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var done = 0;
            try
            {
                // Background work: on SQLite its transactions let waiting users' transactions go first (ADR 0052).
                using (Data.SqliteWriterGate.AsBackground())
                {
                    done = await RunOnceAsync(stoppingToken);
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker must outlive a failed pass (database restart, …): log it and try again next tick.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogPassFailed(GetType().Name, e);
            }

            if (done > 0 && AgainAfterWork)
            {
                continue;
            }

            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                // Real time: the pace of a worker, not a time the CRM records.
                var delay = Task.Delay(Interval, tick.Token);
                var woken = _wake.Reader.WaitToReadAsync(tick.Token).AsTask();
                await Task.WhenAny(delay, woken);
                await tick.CancelAsync();
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Worker} is disabled on this instance ({Setting}=false)")]
    private partial void LogDisabled(string worker, string setting);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} pass failed; trying again at the next tick")]
    private partial void LogPassFailed(string worker, Exception exception);
}
