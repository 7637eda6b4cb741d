using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email;
using Crm.Web.Features.Health;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.TwoFactor;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Health;

/// <summary>
/// The dashboard's page and API, the thresholds' validation (API and form, audited, nothing written
/// on a refusal), the security checklist, and /metrics: refused without its token, parsed as
/// Prometheus text with it. One app with a metrics token.
/// </summary>
public sealed partial class HealthDashboardTests
{
    private const string MetricsToken = "scrape-me-7f3b9c1d2e4a";

    [Fact]
    public async Task The_dashboard_the_thresholds_the_checklist_and_metrics()
    {
        await using var app = new CrmApp().With("Metrics:Token", MetricsToken);
        var admin = await app.SignInAsAdminAsync();
        await app.CreateUserAsync("dana@crm.test", "a good long passphrase", administrator: true, name: "Dana");
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        // Administrators only, page and API alike.
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/health/checklist")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutJsonAsync("/api/v1/health/thresholds", """{"thresholds":[{"key":"email-blocked","warning":1,"critical":2}]}""")).StatusCode);

        // The API and the page show each indicator with figure, state, thresholds and link.
        var json = await (await admin.Http.GetAsync("/api/v1/health")).ReadJsonAsync();
        var keys = json.GetProperty("indicators").EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToList();
        Assert.Equal(["scheduler-last-run", "email-blocked", "api-error-rate", "webhook-delivery", "administrators-two-factor", "inactive-accounts", "api-tokens-unused", "vault-rotation-due", "gdpr-overdue", "gdpr-due-soon", "audit-chain-verified", "seats-used", "database-size"], keys);
        var twoFactor = json.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == AdministratorsTwoFactorHealth.Key);
        Assert.Equal("Critical", twoFactor.GetProperty("state").GetString());
        Assert.Equal("/admin/two-factor?filter=administrators-without", twoFactor.GetProperty("link").GetString());
        Assert.Equal("warning below 100 %, critical below 100 %", twoFactor.GetProperty("thresholds").GetString());
        var (_, page) = await admin.GetPageAsync("/admin/health");
        var row = page.QuerySelector($"tr[data-indicator='{EmailQueueHealth.Key}']")!;
        Assert.Equal("good", row.GetAttribute("data-state"));
        Assert.Equal("/admin/email-queue", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("No blocked message", row.TextContent, StringComparison.Ordinal);

        // Thresholds through the API: each bad value named, nothing written.
        var audit = await AuditRowsAsync(app);
        var cases = new (string Body, string Field)[]
        {
            ("""{"thresholds":[{"key":"no-such-indicator","warning":1,"critical":2}]}""", "thresholds[0].key"),
            ("""{"thresholds":[{"key":"email-blocked","critical":2}]}""", "thresholds[0].warning"),
            ("""{"thresholds":[{"key":"webhook-delivery","warning":101,"critical":95}]}""", "thresholds[0].warning"),
            ("""{"thresholds":[{"key":"email-blocked","warning":-1,"critical":2}]}""", "thresholds[0].warning"),
            ("""{"thresholds":[{"key":"email-blocked","warning":5,"critical":2}]}""", "thresholds[0].critical"),
            ("""{"thresholds":[{"key":"webhook-delivery","warning":95,"critical":99}]}""", "thresholds[0].critical"),
            ("""{"thresholds":[{"key":"email-blocked","warning":1,"critical":2},{"key":"email-blocked","warning":1,"critical":2}]}""", "thresholds[1].key"),
            ("""{"thresholds":[]}""", "thresholds"),
        };
        foreach (var (body, field) in cases)
        {
            var refused = await admin.PutJsonAsync("/api/v1/health/thresholds", body);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{body}: {refused.StatusCode}");
            Assert.True((await refused.FieldErrorsAsync(field)).Count > 0, $"{body}: no message for {field}");
        }

        Assert.Equal(audit, await AuditRowsAsync(app));
        Assert.Empty(await app.InDatabaseAsync(db => db.Set<HealthThreshold>().ToListAsync()));

        // A valid change is saved, audited, and decides the state at once (1 of 2 administrators: 50 %, no longer below critical).
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == CrmApp.AdminEmail).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        var saved = await admin.PutJsonAsync("/api/v1/health/thresholds", """{"thresholds":[{"key":"administrators-two-factor","warning":100,"critical":50}]}""");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        twoFactor = (await saved.ReadJsonAsync()).GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == AdministratorsTwoFactorHealth.Key);
        Assert.Equal(("Warning", 50.0), (twoFactor.GetProperty("state").GetString(), twoFactor.GetProperty("critical").GetDouble()));
        Assert.Equal(audit + 1, await AuditRowsAsync(app));

        // Through the form: a mistyped and a misordered threshold named by their fields, nothing saved; then a save.
        (_, page) = await admin.GetPageAsync("/admin/health");
        var index = page.QuerySelectorAll("#health-indicators tbody tr").Select(r => r.GetAttribute("data-indicator")).ToList().IndexOf(EmailQueueHealth.Key);
        var schedulerIndex = keys.IndexOf(SchedulerHealth.Key);
        var answer = await admin.SubmitAsync(page, new()
        {
            [$"Input[{index}].Warning"] = "5",
            [$"Input[{index}].Critical"] = "2",
            [$"Input[{schedulerIndex}].Warning"] = "2",
            [$"Input[{schedulerIndex}].Critical"] = "999999",
        });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var refusedPage = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
        Assert.Contains("at or above the warning threshold", refusedPage.FieldError($"Input[{index}].Critical"), StringComparison.Ordinal);
        Assert.Contains("between 0 and 1440 minutes", refusedPage.FieldError($"Input[{schedulerIndex}].Critical"), StringComparison.Ordinal);
        Assert.Equal("999999", ((AngleSharp.Html.Dom.IHtmlInputElement)refusedPage.QuerySelector($"input[name='Input[{schedulerIndex}].Critical']")!).Value);
        answer = await admin.SubmitAsync(page, new() { [$"Input[{index}].Warning"] = "not a number" });
        refusedPage = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
        Assert.NotNull(refusedPage.FieldError($"Input[{index}].Warning"));
        Assert.Equal(audit + 1, await AuditRowsAsync(app));

        answer = await admin.SubmitAsync(page, new() { [$"Input[{index}].Warning"] = "3", [$"Input[{index}].Critical"] = "20" });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var stored = await app.InDatabaseAsync(db => db.Set<HealthThreshold>().OrderBy(t => t.Key).Select(t => new { t.Key, t.Warning, t.Critical }).ToListAsync());
        Assert.Equal([("administrators-two-factor", 100.0, 50.0), ("email-blocked", 3.0, 20.0)], stored.Select(t => (t.Key, t.Warning, t.Critical)));
        Assert.Equal(audit + 2, await AuditRowsAsync(app));

        // The checklist: each of the seed's checks with its live status.
        (_, page) = await admin.GetPageAsync("/admin/health/checklist");
        var lines = page.QuerySelectorAll("#security-checklist tbody tr").Select(r => (Check: r.QuerySelector("th")!.TextContent, Status: r.QuerySelector(".checklist-status")!.TextContent, State: r.GetAttribute("data-state"))).ToList();
        Assert.Equal(7, lines.Count);
        var admins = lines.Single(l => l.Check == "2FA active for all admins");
        Assert.Equal("1 of 2 — Dana has none", admins.Status);
        Assert.Equal("warning", admins.State);
        Assert.Equal("by hand", lines.Single(l => l.Check == "Activity log reviewed").State);
        Assert.Equal("good", lines.Single(l => l.Check == "Active users without login > 90 days").State);

        // /metrics: never anonymous, never a session; only its token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().Http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.Http.GetAsync("/metrics")).StatusCode);
        var scraper = app.NewClient();
        scraper.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MetricsToken + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.Http.GetAsync("/metrics")).StatusCode);

        await app.InDatabaseAsync(db =>
        {
            db.OutgoingEmails.Add(new OutgoingEmail
            {
                Id = Guid.CreateVersion7(), To = "a@example.com", Subject = "Hello", ProtectedBody = "x", Purpose = "test",
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, Status = EmailStatus.Blocked, Attempts = 8,
            });
            return db.SaveChangesAsync();
        });
        scraper.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MetricsToken);
        var metrics = await scraper.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType!.MediaType);
        var samples = Parse(await metrics.Content.ReadAsStringAsync());
        Assert.Equal(1, samples[("crm_email_queue_messages", "status=\"blocked\"")]);
        Assert.Equal(1, samples[("crm_health_indicator_value", "indicator=\"email-blocked\"")]);
        Assert.Equal(0, samples[("crm_health_indicator_state", "indicator=\"email-blocked\"")]); // 1 blocked is under the new warning threshold of 3
        Assert.Equal(1, samples[("crm_health_indicator_state", "indicator=\"administrators-two-factor\"")]);
        Assert.True(double.IsNaN(samples[("crm_scheduler_job_seconds_since_last_run", $"job=\"{RecordHealth.JobName}\"")]));
        Assert.True(samples[("crm_http_requests_total", "method=\"GET\",route=\"/admin/health\",code=\"200\"")] >= 2);
        Assert.True(samples[("crm_http_request_duration_seconds_count", "method=\"GET\",route=\"/admin/health\"")] >= 2);
        Assert.Equal(1, samples[("crm_http_requests_total", "method=\"PUT\",route=\"/api/v1/health/thresholds\",code=\"200\"")]);
        // Routes, not paths: every route label is a template of the app (a refusal the error page re-renders keeps its route).
        Assert.True(samples[("crm_http_requests_total", "method=\"GET\",route=\"/admin/health\",code=\"403\"")] >= 1);
        var templates = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(RequestMetrics.RouteOf).Append(RequestMetrics.Unmatched).ToHashSet(StringComparer.Ordinal);
        var routes = samples.Keys.Where(k => k.Name == "crm_http_requests_total").Select(k => RouteLabel().Match(k.Labels).Groups[1].Value).ToList();
        Assert.All(routes, r => Assert.Contains(r, templates));
    }

    private static Task<int> AuditRowsAsync(CrmApp app) => app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "health-threshold"));

    /// <summary>
    /// A parser of the Prometheus text format (0.0.4) for what the CRM writes: # HELP and # TYPE
    /// lines, then samples <c>name{label="value",…} value</c>. Every sample must belong to a declared
    /// family (a histogram's _bucket, _sum and _count to its name); returns the samples by name and labels.
    /// </summary>
    private static Dictionary<(string Name, string Labels), double> Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new Dictionary<(string, string), double>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                Assert.True(comment.Success, $"not a comment line: {line}");
                if (comment.Groups[1].Value == "TYPE")
                {
                    Assert.Contains(comment.Groups[3].Value, new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                    types[comment.Groups[2].Value] = comment.Groups[3].Value;
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var name = sample.Groups["name"].Value;
            var family = types.ContainsKey(name) ? name : Regex.Replace(name, "_(bucket|sum|count)$", "");
            Assert.True(types.ContainsKey(family), $"{name} has no # TYPE line");
            var labels = sample.Groups["labels"].Value;
            if (types[family] == "histogram" && name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                Assert.Contains("le=\"", labels, StringComparison.Ordinal);
            }

            var value = sample.Groups["value"].Value switch
            {
                "NaN" => double.NaN,
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            Assert.True(samples.TryAdd((name, labels), value), $"{name}{{{labels}}} appears twice");
        }

        return samples;
    }

    [GeneratedRegex("route=\"([^\"]*)\"")]
    private static partial Regex RouteLabel();

    [GeneratedRegex("""^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*)\})? (?<value>[^ ]+)( -?\d+)?$""")]
    private static partial Regex SampleLine();
}
