using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Webhooks;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Webhooks.WebhookKit;

namespace Crm.Tests.Webhooks;

/// <summary>Events from committed changes to a real receiver: signed, shaped by the integration user, retried, disabled, replayed.</summary>
public sealed class WebhookDeliveryTests
{
    /// <summary>
    /// A fan-out batch's deliveries are written a hundred per statement (by COPY on PostgreSQL, from fifty
    /// rows): sixty contacts created one after another reach each of two endpoints once, each with its own record.
    /// </summary>
    [Fact]
    public async Task A_batch_of_many_changes_reaches_every_endpoint_once_per_change()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var integration = await ContactReaderAsync(app);
        var (first, _) = await CreateAsync(admin, receiver.Url, integration, ["contacts"], ["created"], "ERP");
        var (second, _) = await CreateAsync(admin, receiver.Url, integration, ["contacts"], ["created"], "Shop");
        var contacts = new List<int>();
        for (var i = 1; i <= 60; i++)
        {
            contacts.Add(await ContactAsync(app, "Bulk", $"Person {i}", null, adminId, null));
        }

        var sent = 0;
        for (int pass; (pass = await DeliverAsync(app)) > 0;)
        {
            sent += pass;
        }

        var received = receiver.TakeAll();
        Assert.Equal(120, sent);
        Assert.Equal(120, received.Select(m => m.Id).Distinct().Count());
        var records = received.Select(m => Json(m).GetProperty("data"))
            .Select(d => (Id: d.GetProperty("id").GetInt32(), Name: d.GetProperty("record").GetProperty("lastName").GetString())).ToList();
        Assert.All(contacts, (id, i) => Assert.Equal([(id, $"Person {i + 1}"), (id, $"Person {i + 1}")], records.Where(r => r.Id == id)));
        var delivered = await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Delivered).GroupBy(d => d.EndpointId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        Assert.Equal([(first, 60), (second, 60)], delivered.Select(d => (d.Key, d.Count)).OrderBy(d => d.Key == second));
    }

    /// <summary>
    /// While people keep every core busy the sender waits before each batch (ADR 0057), but only for
    /// a while: under a load that never eases, deliveries still go out, later.
    /// </summary>
    [Fact]
    public async Task Deliveries_wait_while_people_keep_every_core_busy_and_still_go_out()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var integration = await ContactReaderAsync(app);
        await CreateAsync(admin, receiver.Url, integration, ["contacts"], ["created"]);
        var contact = await ContactAsync(app, "Busy", "Day", null, adminId, null);

        // A request that never ends, and a process whose every core is always busy.
        var cpu = TimeSpan.Zero;
        var people = new PeopleAtWork(() => cpu += TimeSpan.FromSeconds(Environment.ProcessorCount));
        people.Arrived();
        var services = app.Services;
        var worker = new WebhookWorker(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<WebhookSender>(),
            services.GetRequiredService<IOptionsMonitor<WebhookOptions>>(), app.Clock, people, NullLogger<WebhookWorker>.Instance);
        // The cores' use is measured over spans of at least 50 ms: let one pass.
        await Task.Delay(100);
        var pass = Stopwatch.StartNew();

        Assert.Equal(1, await DeliverAsync(app, worker));
        // Before the fan-out's batch and before the sending's: each waited its whole patience.
        Assert.True(pass.Elapsed >= 2 * PeopleAtWork.Patience, $"The pass took {pass.Elapsed}.");
        Assert.Equal(contact, Json(Assert.Single(receiver.TakeAll())).GetProperty("data").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Changes_reach_the_receiver_signed_and_only_as_the_integration_user_may_read_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var role = await RoleAsync(app, "Integration", null, AssignRecordsTo.AnyUser,
            (CrmModules.Deals.Key, PermissionAction.View, Scope.All), (CrmModules.Companies.Key, PermissionAction.View, Scope.Own));
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = CrmModules.Deals.Key, Field = "amount", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        var integration = await UserAsync(app, "erp@crm.test", role);
        var (endpointId, secret) = await CreateAsync(admin, receiver.Url, integration.Id, ["companies", "deals"], ["created", "updated", "deleted"]);
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", secret);

        var invisible = await CompanyAsync(app, "Invisible Holdings", adminId, null);
        var visible = await CompanyAsync(app, "Visible Traders", integration.Id, null);
        var deal = await ObjectKit.DealAsync(app, "Secret size", adminId, null, amount: 987654, currency: "USD");
        // The worker would pass every second; the payload holds the record as read then (ADR 0026).
        var sent = await DeliverAsync(app);
        var patched = await admin.PatchJsonAsync($"/api/v1/deals/{deal}", """{"title":"Secret size, bigger","amount":"12345.67","version":1}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        sent += await DeliverAsync(app);
        Assert.True((await admin.Http.DeleteAsync($"/api/v1/companies/{visible}")).IsSuccessStatusCode);
        Assert.True((await admin.Http.DeleteAsync($"/api/v1/companies/{invisible}")).IsSuccessStatusCode);
        sent += await DeliverAsync(app);
        var received = receiver.TakeAll();
        Assert.Equal(
            [("companies.created", visible), ("deals.created", deal), ("deals.updated", deal), ("companies.deleted", visible)],
            received.Select(m => (Json(m).GetProperty("type").GetString()!, Json(m).GetProperty("data").GetProperty("id").GetInt32())));
        Assert.Equal(4, sent);
        // Each row marked delivered (a batch's rows are marked together) with the time and answer of its own attempt.
        var rows = await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.EndpointId == endpointId)
            .Select(d => new { d.Status, d.Attempts, d.DeliveredAt, d.LastAttemptAt, d.LastStatusCode, d.LeaseOwner, d.NextAttemptAt,
                Attempt = db.Set<WebhookAttempt>().Single(a => a.DeliveryId == d.Id) }).ToListAsync());
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal((WebhookDeliveryStatus.Delivered, 1, r.Attempt.At, r.Attempt.At, r.Attempt.StatusCode, (Guid?)null, (DateTime?)null),
                (r.Status, r.Attempts, r.DeliveredAt!.Value, r.LastAttemptAt!.Value, r.LastStatusCode, r.LeaseOwner, r.NextAttemptAt));
            Assert.True(r.Attempt.Succeeded);
        });
        foreach (var message in received)
        {
            Assert.Equal(1, WebhookReceiver.VerifiedSignatures(message, secret));
            Assert.Matches("^msg_[0-9a-f]{32}$", message.Id);
            Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeSeconds(), WebhookReceiver.TimestampOf(message));
            Assert.DoesNotContain("Invisible", message.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"amount\"", message.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"currency\"", message.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("USD", message.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("12345", message.Body, StringComparison.Ordinal);
        }

        Assert.Equal(4, received.Select(m => m.Id).Distinct().Count());
        var schema = await (await admin.Http.GetAsync("/api/v1/webhooks/payload-schema")).ReadJsonAsync();
        var types = schema.GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.All(received, m => Assert.Contains(Json(m).GetProperty("type").GetString(), types));
        var created = Json(received[1]).GetProperty("data");
        Assert.Equal("Secret size", created.GetProperty("record").GetProperty("title").GetString());
        var updated = Json(received[2]).GetProperty("data");
        Assert.Equal("Secret size, bigger", updated.GetProperty("record").GetProperty("title").GetString());
        var change = updated.GetProperty("changes").GetProperty("title");
        Assert.Equal(("Secret size", "Secret size, bigger"), (change.GetProperty("old").GetString(), change.GetProperty("new").GetString()));
        var deleted = Json(received[3]).GetProperty("data");
        Assert.Equal(["module", "id", "label"], deleted.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Visible Traders", deleted.GetProperty("label").GetString());

        // Rotation: for 24 hours both secrets sign, then only the new one.
        var rotated = await (await admin.Http.PostAsync($"/api/v1/webhooks/{endpointId}/rotate-secret", null)).ReadJsonAsync();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        await CompanyAsync(app, "During rotation", integration.Id, null);
        await DeliverAsync(app);
        var during = Assert.Single(receiver.TakeAll());
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.Equal((1, 1), (WebhookReceiver.VerifiedSignatures(during, newSecret), WebhookReceiver.VerifiedSignatures(during, secret)));
        app.Clock.Advance(TimeSpan.FromHours(25));
        admin = await app.SignInAsAdminAsync();
        await CompanyAsync(app, "After rotation", integration.Id, null);
        await DeliverAsync(app);
        var after = Assert.Single(receiver.TakeAll());
        Assert.Equal((1, 0), (WebhookReceiver.VerifiedSignatures(after, newSecret), WebhookReceiver.VerifiedSignatures(after, secret)));

        // The secrets are never shown again: not by the API, not on the pages, not in the log.
        var shown = await admin.Http.GetStringAsync($"/api/v1/webhooks/{endpointId}") + await admin.Http.GetStringAsync("/api/v1/webhooks")
            + await admin.Http.GetStringAsync($"/admin/webhooks/{endpointId}") + await admin.Http.GetStringAsync("/admin/webhooks")
            + await admin.Http.GetStringAsync($"/admin/webhooks/{endpointId}/edit");
        foreach (var s in new[] { secret, newSecret })
        {
            Assert.DoesNotContain(s[6..], shown, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains(s[6..], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Failures_are_retried_on_schedule_then_gone_or_five_failing_days_disable_the_endpoint_and_failed_ones_replay()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var integration = await app.CreateUserAsync("integration@crm.test", Password, administrator: true);
        var (id, _) = await CreateAsync(admin, receiver.Url, integration.Id, ["companies"], ["created"]);
        var started = app.Clock.GetUtcNow();
        receiver.Status = 500;

        await CompanyAsync(app, "First", integration.Id, null);
        Assert.Equal(1, await DeliverAsync(app));
        Assert.Equal(0, await DeliverAsync(app));
        foreach (var wait in WebhookSender.Backoff)
        {
            app.Clock.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await DeliverAsync(app));
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await DeliverAsync(app));
        }

        var attempts = receiver.TakeAll();
        Assert.Equal(8, attempts.Count);
        admin = await app.SignInAsAdminAsync();
        var firstId = Assert.Single(attempts.Select(a => a.Id).Distinct());
        var endpoint = await EndpointAsync(admin, id);
        var first = Assert.Single(endpoint.GetProperty("deliveries").EnumerateArray());
        Assert.Equal(("Failed", 8, 500), (first.GetProperty("status").GetString(), first.GetProperty("attempts").GetInt32(), first.GetProperty("lastStatusCode").GetInt32()));
        Assert.Equal(8, first.GetProperty("attemptLog").GetArrayLength());
        Assert.Equal("receiver says 500", first.GetProperty("attemptLog")[0].GetProperty("response").GetString());
        Assert.True(endpoint.GetProperty("endpoint").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, endpoint.GetProperty("endpoint").GetProperty("health").GetProperty("successRate24h").GetDouble());

        // Five days of nothing but failures disable the endpoint and every administrator is told.
        app.Clock.Advance(started + TimeSpan.FromDays(5) - app.Clock.GetUtcNow());
        admin = await app.SignInAsAdminAsync();
        await CompanyAsync(app, "Second", integration.Id, null);
        Assert.Equal(1, await DeliverAsync(app));
        var secondId = Assert.Single(receiver.TakeAll()).Id;
        endpoint = (await EndpointAsync(admin, id)).GetProperty("endpoint");
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("5 days", endpoint.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.NotNull(endpoint.GetProperty("health").GetProperty("oldestWaitingSince").GetString());
        var adminId = await app.AdminIdAsync();
        Assert.True(await app.InDatabaseAsync(db => db.Notifications.AnyAsync(n => n.UserId == adminId && n.Title == "Webhook \"ERP\" was disabled")));
        Assert.True(await app.InDatabaseAsync(db => db.OutgoingEmails.AnyAsync(e => e.To == CrmApp.AdminEmail && e.Purpose == "webhook-disabled")));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await DeliverAsync(app));

        // Enabled again with its missed events delivered, the waiting deliveries go out in one batch; 410 Gone
        // disables the endpoint at once and stops the batch: the next delivery is not sent, and not left leased.
        await CompanyAsync(app, "Third", integration.Id, null);
        Assert.Equal(0, await DeliverAsync(app));
        receiver.Status = 410;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}",
            new { name = "ERP", url = receiver.Url, userId = integration.Id, modules = new[] { "companies" }, events = new[] { "created" }, enabled = true, missedEvents = "deliver" })).StatusCode);
        Assert.Equal(1, await DeliverAsync(app));
        endpoint = (await EndpointAsync(admin, id)).GetProperty("endpoint");
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("410 Gone", endpoint.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(secondId, Assert.Single(receiver.TakeAll()).Id);
        var third = await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().AsNoTracking().SingleAsync(d => d.Status == WebhookDeliveryStatus.Pending));
        Assert.Equal((0, null), (third.Attempts, third.LeaseOwner));

        // Replay: a preview of how many, then both failed deliveries again, under their own ids (the one
        // that waited behind the 410 is dropped on the way).
        receiver.Status = 200;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}",
            new { name = "ERP", url = receiver.Url, userId = integration.Id, modules = new[] { "companies" }, events = new[] { "created" }, enabled = true, missedEvents = "drop" })).StatusCode);
        var since = Uri.EscapeDataString(started.ToString("O"));
        var preview = await (await admin.Http.GetAsync($"/api/v1/webhooks/{id}/replay-failed?since={since}")).ReadJsonAsync();
        Assert.Equal(2, preview.GetProperty("count").GetInt32());
        var later = Uri.EscapeDataString(app.Clock.GetUtcNow().AddMinutes(1).ToString("O"));
        Assert.Equal(0, (await (await admin.Http.GetAsync($"/api/v1/webhooks/{id}/replay-failed?since={later}")).ReadJsonAsync()).GetProperty("count").GetInt32());
        var replayed = await admin.Http.PostAsJsonAsync($"/api/v1/webhooks/{id}/replay-failed", new { since = started });
        Assert.Equal(2, (await replayed.ReadJsonAsync()).GetProperty("count").GetInt32());
        Assert.Equal(2, await DeliverAsync(app));
        Assert.Equal(new[] { firstId, secondId }.Order(), receiver.TakeAll().Select(m => m.Id).Order());
        var healthy = (await EndpointAsync(admin, id)).GetProperty("endpoint");
        Assert.True(healthy.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, healthy.GetProperty("health").GetProperty("oldestWaitingSince").ValueKind);
        // The last 24 hours: the failure at five days, the 410, and the two replays that succeeded.
        Assert.Equal((4, 0.5), (healthy.GetProperty("health").GetProperty("attempts24h").GetInt32(), healthy.GetProperty("health").GetProperty("successRate24h").GetDouble()));
    }

    [Fact]
    public async Task Two_instances_over_one_database_send_every_event_once_under_one_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var one = App().With("Webhooks:Delivery:BatchSize", "3");
        await using var two = App().With("Webhooks:Delivery:BatchSize", "3").With("ConnectionStrings:Crm", one.Database.ConnectionString);
        var admin = await one.SignInAsAdminAsync();
        var adminId = await one.AdminIdAsync();
        await CreateAsync(admin, receiver.Url, adminId, ["companies"], ["created"]);
        var names = Enumerable.Range(1, 20).Select(i => $"Company {i}").ToList();
        foreach (var name in names)
        {
            await CompanyAsync(one, name, adminId, null);
        }

        // Both fan out and send at once: the cursor row and the leases keep them from doubling anything.
        _ = two.Server;
        var sent = await Task.WhenAll(DeliverAsync(one), DeliverAsync(two));
        Assert.Equal(20, sent.Sum());
        var received = receiver.TakeAll();
        Assert.Equal(20, received.Select(m => m.Id).Distinct().Count());
        Assert.Equal(names.Order(), received.Select(m => Json(m).GetProperty("data").GetProperty("record").GetProperty("name").GetString()!).Order());
        Assert.Equal(20, await one.InDatabaseAsync(db => db.Set<WebhookDelivery>().CountAsync(d => d.Status == WebhookDeliveryStatus.Delivered && d.Attempts == 1)));
    }

    /// <summary>An integration user whose role may view every contact, and nothing else.</summary>
    private static async Task<Guid> ContactReaderAsync(CrmApp app)
    {
        var role = await RoleAsync(app, "Integration", null, AssignRecordsTo.AnyUser, (CrmModules.Contacts.Key, PermissionAction.View, Scope.All));
        return (await UserAsync(app, "erp@crm.test", role)).Id;
    }
}
