using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;
using Prometheus;

namespace Crm.Web.Features.Health;

/// <summary>
/// What <c>/metrics</c> shows, in a registry of this app's own (not prometheus-net's static default,
/// which every app in one process would share): requests by method, route template and status code
/// with their durations (<see cref="RequestMetrics"/>), and, read at each scrape, the email queue by
/// state, the seconds since each recurring job last started, and every health indicator's figure and state.
/// </summary>
public sealed class CrmMetrics
{
    private readonly IServiceScopeFactory _scopes;
    private readonly Counter _requests;
    private readonly Histogram _durations;
    private readonly Gauge _emailQueue;
    private readonly Gauge _jobAge;
    private readonly Gauge _figures;
    private readonly Gauge _states;

    public CrmMetrics(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("crm_http_requests_total",
            "HTTP requests answered, by method, route template (not the path: no record id or query) and status code.", ["method", "route", "code"]);
        _durations = factory.CreateHistogram("crm_http_request_duration_seconds",
            "How long HTTP requests took, by method and route template.", ["method", "route"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });
        _emailQueue = factory.CreateGauge("crm_email_queue_messages", "Messages in the email outbox, by state (queued, blocked).", ["status"]);
        _jobAge = factory.CreateGauge("crm_scheduler_job_seconds_since_last_run",
            "Seconds since each recurring job last started (the worker lag); NaN before its first run.", ["job"]);
        _figures = factory.CreateGauge("crm_health_indicator_value", "Each health indicator's figure (in its unit, see /admin/health); NaN when there is nothing to measure.", ["indicator"]);
        _states = factory.CreateGauge("crm_health_indicator_state", "Each health indicator's state: 0 good, 1 warning, 2 critical.", ["indicator"]);
        Registry.AddBeforeCollectCallback(ReadStateAsync);
    }

    public CollectorRegistry Registry { get; }

    public void ObserveRequest(string method, string route, int statusCode, TimeSpan duration)
    {
        _requests.WithLabels(method, route, statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        _durations.WithLabels(method, route).Observe(duration.TotalSeconds);
    }

    private async Task ReadStateAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CrmDb>();
        var byStatus = await db.OutgoingEmails.Where(e => e.Status == EmailStatus.Queued || e.Status == EmailStatus.Blocked)
            .GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        _emailQueue.WithLabels("queued").Set(byStatus.GetValueOrDefault(EmailStatus.Queued));
        _emailQueue.WithLabels("blocked").Set(byStatus.GetValueOrDefault(EmailStatus.Blocked));

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var started = await db.ScheduledJobs.AsNoTracking().ToDictionaryAsync(j => j.Name, j => j.LastStartedAt, StringComparer.Ordinal, cancellationToken);
        foreach (var job in services.GetServices<RecurringJobDefinition>())
        {
            _jobAge.WithLabels(job.Name).Set(started.GetValueOrDefault(job.Name) is { } last ? Math.Max(0, (now - last).TotalSeconds) : double.NaN);
        }

        foreach (var m in await services.GetRequiredService<MeasureHealth>().RunAsync(cancellationToken))
        {
            _figures.WithLabels(m.Definition.Key).Set(m.Figure.Value ?? double.NaN);
            _states.WithLabels(m.Definition.Key).Set((int)m.State);
        }
    }
}
