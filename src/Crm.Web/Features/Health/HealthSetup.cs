using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authentication;

namespace Crm.Web.Features.Health;

/// <summary>
/// The health dashboard (issue 27): indicators contributed by the features (<see cref="IHealthIndicator"/>,
/// each registered by its own feature's setup), <c>/admin/health</c> and <c>GET /api/v1/health</c>,
/// editable thresholds, the recording job with its notifications, the security checklist, and
/// <c>/metrics</c> for Prometheus behind <c>Metrics:Token</c> (ADR 0031).
/// </summary>
public sealed class HealthSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<MeasureHealth>();
        services.AddHealthIndicator<DatabaseSizeHealth>();
        services.AddScoped<ReadHealth>();
        services.AddScoped<SaveHealthThresholds>();
        services.AddScoped<ReadSecurityChecklist>();
        services.AddScoped<SaveHealthDigest>();
        services.AddRecurringJob<SendHealthDigest>(SendHealthDigest.JobName,
            "From 07:00 in the organisation's time zone, emails the day's health digest once to each administrator who asked for it.", SendHealthDigest.Interval);
        services.AddRecurringJob<RecordHealth>(RecordHealth.JobName,
            "Measures the health indicators, keeps each day's figure for 30 days, and notifies administrators when one changes state.", RecordHealth.Interval);

        services.AddSingleton<CrmMetrics>();
        services.AddSingleton<IStartupFilter, RequestMetrics>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, MetricsToken>(MetricsToken.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(MetricsToken.Policy, p => p.AddAuthenticationSchemes(MetricsToken.SchemeName).RequireAuthenticatedUser());

        services.AddSection(new Section(
            "Health",
            "Health indicators with their thresholds and 30 days of history, and the security checklist.",
            "/admin/health",
            640,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var health = api.MapGroup("/health").RequireAuthorization(Policies.Administrator).WithTags("Health");
        health.MapGet("", async (HttpContext http, ReadHealth read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadHealth")
            .WithSummary("Every health indicator measured now: figure, state (Good, Warning, Critical), thresholds, where to act, and its last 30 days.");

        health.MapPut("/thresholds", async (HttpContext http, HealthThresholdsInput body, SaveHealthThresholds save, ReadHealth read, CancellationToken cancellationToken) =>
            {
                var saved = await save.RunAsync(http.Actor(), body.Thresholds, cancellationToken);
                return saved.IsOk ? (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp() : saved.ToHttp();
            })
            .WithName("SaveHealthThresholds")
            .WithSummary("Changes the warning and critical thresholds of the indicators given (all or nothing); answers the dashboard measured under them.");

        health.MapPut("/digest", async (HttpContext http, HealthDigestInput body, SaveHealthDigest save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), body, cancellationToken)).ToHttp())
            .WithName("SaveHealthDigest")
            .WithSummary("Turns the caller's own daily health digest on or off: one email a day from 07:00 (organisation's time zone) listing every indicator, worst first.");

        health.MapGet("/checklist", async (HttpContext http, ReadSecurityChecklist read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadSecurityChecklist")
            .WithSummary("The security checklist, each line with its live status (state null: a check only a person can make).");
    }

    /// <summary><c>/metrics</c> exists only when a metrics token is configured; without one the address is a plain 404.</summary>
    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        if (!MetricsToken.IsConfigured(configuration))
        {
            if (!string.IsNullOrEmpty(configuration[MetricsToken.Setting]))
            {
                app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<HealthSetup>()
                    .LogWarning("Metrics:Token is shorter than {Length} characters: /metrics stays off", MetricsToken.MinimumLength);
            }

            return;
        }

        app.MapGet("/metrics", async (HttpContext http, CrmMetrics metrics, CancellationToken cancellationToken) =>
            {
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, cancellationToken);
            })
            .RequireAuthorization(MetricsToken.Policy)
            .ExcludeFromDescription();
    }

    private static readonly HelpTopic s_help = new("health", "Health dashboard",
    [
        "Administration › Health shows how the CRM is doing: each indicator with its figure now, its state (good, warning or critical), the thresholds that decide the state, a link to the page where you act on it, and its figure over the last 30 days.",
        "The indicators: the scheduler's last run (minutes), blocked emails, the API error rate, the webhook delivery rate, the share of administrators with two-factor sign-in, active accounts without a sign-in for 90 days, API tokens unused for 6 months, vault passwords due for rotation, GDPR requests overdue or due soon, the days since the audit trail was last verified intact, the share of licence seats used, and the database's size with its growth over 7 days. Each feature of the CRM contributes its own.",
        "The audit trail is verified every day by the scheduler's verify-audit-chain job (and whenever someone runs audit verify on the command line); each run and its result are kept. The indicator turns to warning after 7 days without a successful verification and is critical at once when the last verification found the trail broken: someone changed it behind the CRM's back, so run audit verify to see which entry and investigate before anything else.",
        "Seats: active users (integration users and deactivated accounts hold none) as a share of the licence's seats; when all are used no one more can be activated. Database size: in MB, with how much it grew since the figure of 7 days ago; raise its thresholds to fit your disk.",
        "The default thresholds follow the administrator's guide: a figure past its \"good signal\" is a warning, past its \"warning signal\" it is critical (for example, the scheduler: warning after 2 minutes without a run, critical after 5). Change them in the table's form: for a figure that gets worse as it rises the critical threshold must be at or above the warning one, and the other way round for a rate that falls. Every change is recorded in the audit trail.",
        "Every minute the scheduler measures the indicators and keeps each day's figure. When an indicator changes state (good to warning, warning to critical, back to good), every active administrator gets one notification, and one email if their account has an address; nothing more is sent while the state stays the same.",
        "Daily digest: tick \"Email me a daily digest\" below the table (or PUT /api/v1/health/digest with {\"enabled\": true}) to get one email a day, from 07:00 in the organisation's time zone (Administration › Localisation), listing every indicator's state, figure and summary, worst first. It is your own choice: each administrator chooses for themselves, and untick it to stop. You get it at most once a day, whatever happens to the servers.",
        "The security checklist (Administration › Health › Security checklist) lists the guide's regular checks with what the CRM can tell about each now, such as \"2FA active for all admins: 2 of 3 — Dana has none\". Checks only a person can make, like reviewing the activity log, show the figures that help and the page where to make them.",
        "For monitoring systems, /metrics gives request counts and durations by route, the email queue, each recurring job's time since its last run and every indicator, in Prometheus' text format. It answers only to the token set as Metrics:Token in the configuration (Authorization: Bearer …); without one it does not exist.",
    ], AdministratorsOnly: true);
}
