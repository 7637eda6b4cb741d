using System.Diagnostics;

namespace Crm.Web.Web;

/// <summary>
/// Whether people (and their integrations) are keeping this instance's cores busy right now, so
/// that background work that can wait (webhook deliveries, automation actions) lets them go first
/// (ADR 0057). The background work runs in the same process, on the same cores: without this it
/// takes its share of them from the people's saves it reports on.
/// </summary>
public sealed class PeopleAtWork
{
    /// <summary>
    /// The longest one wait lasts: background work is slowed under a full load, never stopped, so
    /// a batch still goes out at least this often and the backlog drains once the load eases.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The shortest span the process's CPU time is measured over: long enough for the kernel's
    /// accounting to tell, short enough that a wait ends soon after the load eases.
    /// </summary>
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>The share of all cores the process must have used over the last sample for its cores to count as busy.</summary>
    private const double Busy = 0.8;

    private readonly Func<TimeSpan> _cpuTime;
    private readonly Lock _reading = new();
    private int _requests;
    private long _lastAnswered;
    private long _readAt;
    private TimeSpan _readCpu;
    private bool _coresBusy;

    public PeopleAtWork()
        : this(() => Environment.CpuUsage.TotalTime)
    {
    }

    /// <summary>For the tests: the process's CPU time as <paramref name="cpuTime"/> tells it.</summary>
    internal PeopleAtWork(Func<TimeSpan> cpuTime)
    {
        _cpuTime = cpuTime;
        _readAt = Stopwatch.GetTimestamp();
        _readCpu = cpuTime();
    }

    /// <summary>People's requests being served now.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>
    /// A request in flight, or one answered within the last sample: between two requests of the
    /// same client the count is often zero for a moment even under a full load, since a request is
    /// counted only once the server has begun it.
    /// </summary>
    public bool AtWork => Requests > 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref _lastAnswered)) < Sample;

    /// <summary>People at work, and the process used nearly every core over the last sample.</summary>
    public bool KeepEveryCoreBusy => AtWork && CoresBusy();

    /// <summary>
    /// Called by background work before each batch: waits while <see cref="KeepEveryCoreBusy"/>, for
    /// at most <see cref="Patience"/>. The cores' use is measured over the wait itself once it has
    /// lasted a sample, so the wait ends when the people alone leave cores to spare. Nobody at work,
    /// or cores to spare: no wait at all, so a webhook still leaves at once.
    /// </summary>
    public async Task LetThemGoFirstAsync(CancellationToken cancellationToken)
    {
        // Real time, not the CRM's clock: the pace of a worker, not a time the CRM records.
        var started = Stopwatch.GetTimestamp();
        while (KeepEveryCoreBusy && Stopwatch.GetElapsedTime(started) < Patience)
        {
            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>The last sample's verdict, measured again once it is a sample old.</summary>
    private bool CoresBusy()
    {
        lock (_reading)
        {
            var now = Stopwatch.GetTimestamp();
            var span = Stopwatch.GetElapsedTime(_readAt, now);
            if (span >= Sample)
            {
                var cpu = _cpuTime();
                _coresBusy = (cpu - _readCpu) / (span * Environment.ProcessorCount) >= Busy;
                (_readAt, _readCpu) = (now, cpu);
            }

            return _coresBusy;
        }
    }

    internal void Arrived() => Interlocked.Increment(ref _requests);

    internal void Answered()
    {
        Volatile.Write(ref _lastAnswered, Stopwatch.GetTimestamp());
        Interlocked.Decrement(ref _requests);
    }

    /// <summary>Counts every request from the moment it comes in to its answer, but for the health probes (a load balancer's, not people's).</summary>
    internal static IApplicationBuilder Count(IApplicationBuilder app)
    {
        var people = app.ApplicationServices.GetRequiredService<PeopleAtWork>();
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/health"))
            {
                await next(context);
                return;
            }

            people.Arrived();
            try
            {
                await next(context);
            }
            finally
            {
                people.Answered();
            }
        });
    }
}
