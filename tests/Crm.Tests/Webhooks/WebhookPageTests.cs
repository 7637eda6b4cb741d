using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using static Crm.Tests.Webhooks.WebhookKit;

namespace Crm.Tests.Webhooks;

/// <summary>The administrator's screens: create, send a test event, debug mode that switches itself off, the log, replay.</summary>
public sealed class WebhookPageTests
{
    [Fact]
    public async Task An_administrator_creates_a_webhook_tests_it_reads_the_log_with_debug_bodies_and_replays_a_delivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();

        var created = await admin.SubmitAsync("/admin/webhooks/new", new()
        {
            ["Input.Name"] = "Make.com - companies",
            ["Input.Url"] = receiver.Url,
            ["Input.UserId"] = adminId.ToString(),
            ["Input.Modules"] = "companies",
            ["Input.Events"] = "created",
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var shown = await PageClient.ParseAsync(await created.Content.ReadAsStringAsync());
        var secret = shown.QuerySelector("input#secret")?.GetAttribute("value");
        Assert.True(secret is not null, string.Join(" | ", shown.ValidationMessages()));
        var page = shown.QuerySelector("a[href^='/admin/webhooks/']")!.GetAttribute("href")!;
        var id = Guid.Parse(page["/admin/webhooks/".Length..]);

        // Send test event: the receiver's answer is shown at once, and the request verifies.
        var tested = await admin.SubmitAsync(page, [], "#send-test-event");
        var result = (await PageClient.ParseAsync(await tested.Content.ReadAsStringAsync())).QuerySelector("#test-result")!.TextContent;
        Assert.Contains("Test event delivered", result, StringComparison.Ordinal);
        Assert.Contains("status 200", result, StringComparison.Ordinal);
        Assert.Contains("receiver says 200", result, StringComparison.Ordinal);
        var test = Assert.Single(receiver.TakeAll());
        Assert.Equal("webhook.test", Json(test).GetProperty("type").GetString());
        Assert.Equal(1, WebhookReceiver.VerifiedSignatures(test, secret));

        // Debug mode keeps the bodies, for the chosen time only.
        var debugOn = await admin.SubmitAsync(page, new() { ["minutes"] = "60" }, "#debug-on");
        Assert.Equal(HttpStatusCode.Redirect, debugOn.StatusCode);
        await admin.SubmitAsync(page, [], "#send-test-event");
        var (_, logged) = await admin.GetPageAsync(page);
        Assert.Contains("On until", logged.QuerySelector("#debug-state")!.TextContent, StringComparison.Ordinal);
        var newest = logged.QuerySelector("#deliveries tbody tr")!;
        Assert.Contains("webhook.test", newest.QuerySelector(".attempt-request-body")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("receiver says 200", newest.QuerySelector(".attempt-response-body")!.TextContent);
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        admin = await app.SignInAsAdminAsync();
        await admin.SubmitAsync(page, [], "#send-test-event");
        (_, logged) = await admin.GetPageAsync(page);
        Assert.StartsWith("Off", logged.QuerySelector("#debug-state")!.TextContent.Trim(), StringComparison.Ordinal);
        var rows = logged.QuerySelectorAll("#deliveries tbody tr");
        Assert.Equal(3, rows.Length);
        Assert.Null(rows[0].QuerySelector(".attempt-request-body"));
        Assert.NotNull(rows[0].QuerySelector(".attempt-response"));
        Assert.NotNull(rows[1].QuerySelector(".attempt-request-body"));
        Assert.Null(rows[2].QuerySelector(".attempt-request-body"));
        Assert.Equal(2, receiver.TakeAll().Count);

        // A record event, then its replay from the page: the same webhook-id again.
        await CompanyKit.CompanyAsync(app, "Acme", adminId, null);
        Assert.Equal(1, await DeliverAsync(app));
        var original = Assert.Single(receiver.TakeAll());
        Assert.Equal("companies.created", Json(original).GetProperty("type").GetString());
        (_, logged) = await admin.GetPageAsync(page);
        var replay = await admin.SubmitAsync(logged, [], "#deliveries tbody tr:first-child form");
        Assert.Equal($"{page}?notice=replayed", replay.Headers.Location!.OriginalString);
        Assert.Equal(1, await DeliverAsync(app));
        var again = Assert.Single(receiver.TakeAll());
        Assert.Equal((original.Id, original.Body), (again.Id, again.Body));

        // The list shows the endpoint's health.
        var (_, list) = await admin.GetPageAsync("/admin/webhooks");
        var row = list.QuerySelector($"tr[data-webhook-id='{id}']")!;
        Assert.Equal("100 % of 5", row.QuerySelector("[data-rate='24h']")!.TextContent);
        Assert.Equal("none", row.QuerySelector("[data-oldest-waiting]")!.TextContent);

        // A receiver using a Standard Webhooks library verifies a request unchanged. The library checks
        // the timestamp against the real time, so the CRM's clock is set to it first.
        app.Clock.Advance(TimeProvider.System.GetUtcNow() - app.Clock.GetUtcNow());
        admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.PostAsync($"/api/v1/webhooks/{id}/test", null)).StatusCode);
        var live = Assert.Single(receiver.TakeAll());
        var headers = new HeaderDictionary { ["webhook-id"] = live.Id, ["webhook-timestamp"] = live.Timestamp, ["webhook-signature"] = live.Signature };
        new StandardWebhook(secret).Verify(live.Body, headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(secret).Verify(live.Body + " ", headers));

        // The API's test event answers inline too.
        receiver.Status = 503;
        var answer = await (await admin.Http.PostAsync($"/api/v1/webhooks/{id}/test", null)).ReadJsonAsync();
        Assert.Equal((false, 503), (answer.GetProperty("succeeded").GetBoolean(), answer.GetProperty("statusCode").GetInt32()));
        Assert.Equal("receiver says 503", answer.GetProperty("response").GetString());
        Assert.Single(receiver.TakeAll());
    }
}
