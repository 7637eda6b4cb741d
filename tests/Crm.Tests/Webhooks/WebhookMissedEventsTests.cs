using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Webhooks.WebhookKit;

namespace Crm.Tests.Webhooks;

/// <summary>
/// A disabled endpoint's missed events wait (up to the log's retention); enabling it again asks the
/// administrator, with the count shown, to deliver them in order or drop them, on the page and the API.
/// </summary>
public sealed class WebhookMissedEventsTests
{
    [Fact]
    public async Task Missed_events_wait_while_disabled_and_are_delivered_in_order_or_dropped_as_the_administrator_chooses()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var integration = await app.CreateUserAsync("integration@crm.test", Password, administrator: true);
        var (id, _) = await CreateAsync(admin, receiver.Url, integration.Id, ["companies"], ["created"]);

        object Body(bool enabled, string? missedEvents = null) => new
        {
            name = "ERP", url = receiver.Url, userId = integration.Id, modules = new[] { "companies" }, events = new[] { "created" }, enabled, missedEvents,
        };

        async Task SetAsync(bool enabled, string? missedEvents = null) =>
            Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", Body(enabled, missedEvents))).StatusCode);

        List<string> Received() => [.. receiver.TakeAll().Select(m => Json(m).GetProperty("data").GetProperty("record").GetProperty("name").GetString()!)];

        async Task<int> WaitingAsync() => (await EndpointAsync(admin, id)).GetProperty("endpoint").GetProperty("health").GetProperty("waiting").GetInt32();

        // Disabled: the changes are held, not sent, and counted.
        await SetAsync(false);
        foreach (var name in new[] { "Alpha", "Bravo", "Charlie" })
        {
            await CompanyAsync(app, name, integration.Id, null);
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, await DeliverAsync(app));
        Assert.Empty(receiver.TakeAll());
        Assert.Equal(3, await WaitingAsync());
        var (_, details) = await admin.GetPageAsync($"/admin/webhooks/{id}");
        Assert.Contains("3 missed events wait", details.QuerySelector("#missed")!.TextContent, StringComparison.Ordinal);
        var (_, edit) = await admin.GetPageAsync($"/admin/webhooks/{id}/edit");
        Assert.Contains("Deliver the 3 missed events", edit.QuerySelector("#missed-events")!.TextContent, StringComparison.Ordinal);

        // Enabling needs the choice; without it nothing changes.
        var refused = await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", Body(true));
        Assert.Contains(await refused.FieldErrorsAsync("missedEvents"), e => e.Contains("3 events were missed", StringComparison.Ordinal));
        var invalid = await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", Body(true, "maybe"));
        Assert.NotEmpty(await invalid.FieldErrorsAsync("missedEvents"));
        Assert.False((await EndpointAsync(admin, id)).GetProperty("endpoint").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, await DeliverAsync(app));

        // Deliver: in the order of the changes, and audited with the count.
        await SetAsync(true, MissedEvents.Deliver);
        Assert.Equal(3, await DeliverAsync(app));
        Assert.Equal(["Alpha", "Bravo", "Charlie"], Received());
        Assert.Contains("the 3 missed events go out", await app.InDatabaseAsync(db =>
            db.ActivityLog.Where(a => a.Kind == WebhookActivity.Enabled).Select(a => a.Summary).SingleAsync()), StringComparison.Ordinal);

        // Drop, on the page: nothing is sent, the log keeps them as dropped.
        await SetAsync(false);
        await CompanyAsync(app, "Delta", integration.Id, null);
        await CompanyAsync(app, "Echo", integration.Id, null);
        Assert.Equal(0, await DeliverAsync(app));
        var dropped = await admin.SubmitAsync($"/admin/webhooks/{id}/edit", new()
        {
            ["Input.UserId"] = integration.Id.ToString(),
            ["Input.Enabled"] = "true",
            ["Input.MissedEvents"] = MissedEvents.Drop,
        });
        Assert.True(dropped.StatusCode == HttpStatusCode.Redirect,
            string.Join(" | ", (await PageClient.ParseAsync(await dropped.Content.ReadAsStringAsync())).ValidationMessages()));
        Assert.Equal(0, await DeliverAsync(app));
        Assert.Empty(receiver.TakeAll());
        var statuses = (await EndpointAsync(admin, id)).GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("status").GetString()).ToList();
        Assert.Equal(2, statuses.Count(s => s == nameof(WebhookDeliveryStatus.Dropped)));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == WebhookActivity.Enabled).Select(a => a.Summary).ToListAsync()),
            s => s.Contains("the 2 missed events were dropped", StringComparison.Ordinal));
        Assert.Equal(0, await WaitingAsync());

        // Held events wait up to the log's retention (30 days), then the pruning takes them.
        await SetAsync(false);
        await CompanyAsync(app, "Foxtrot", integration.Id, null);
        await DeliverAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(29));
        await CompanyAsync(app, "Golf", integration.Id, null);
        await DeliverAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(2));
        using (var scope = app.Services.CreateScope())
        {
            await ActivatorUtilities.CreateInstance<PruneWebhookLog>(scope.ServiceProvider).RunAsync(CancellationToken.None);
        }

        admin = await app.SignInAsAdminAsync();
        Assert.Equal(1, await WaitingAsync());
        await SetAsync(true, MissedEvents.Deliver);
        Assert.Equal(1, await DeliverAsync(app));
        Assert.Equal(["Golf"], Received());
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().CountAsync(d => d.Status == WebhookDeliveryStatus.Pending)));
    }
}
