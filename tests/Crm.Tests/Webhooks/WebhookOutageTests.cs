using Crm.Tests.Infrastructure;
using Crm.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Webhooks.WebhookKit;

namespace Crm.Tests.Webhooks;

/// <summary>
/// Issue 24: the receiver is down for ten minutes during a steady write load, then comes back. No
/// event is lost, none arrives twice under different ids, and every one is delivered within the retry
/// schedule. The app's clock stands in for the minutes; the sender runs every 20 seconds of it while
/// the receiver is down and every minute after (the worker runs every second; coarser passes only make
/// a late delivery more likely, not less).
/// </summary>
public sealed class WebhookOutageTests
{
    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ten_minutes_of_a_receiver_down_under_writes_lose_nothing_and_double_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        await CreateAsync(admin, receiver.Url, adminId, ["companies"], ["created", "updated"], "ERP");
        await CreateAsync(admin, receiver.Url, adminId, ["companies"], ["created"], "Warehouse");

        // Ten minutes down: a new company every 20 s, and every minute an update of one made before.
        receiver.Status = 503;
        var down = app.Clock.GetUtcNow();
        var companies = new List<int>();
        var expected = 0;
        var version = 1;
        while (app.Clock.GetUtcNow() - down < TimeSpan.FromMinutes(10))
        {
            var step = (int)((app.Clock.GetUtcNow() - down) / Pass);
            companies.Add(await CompanyAsync(app, $"Outage {step}", adminId, null));
            expected += 2;

            if (step % 3 == 2)
            {
                var patched = await admin.PatchJsonAsync($"/api/v1/companies/{companies[0]}", $$"""{"phone":"+44 20 7946 0{{step:000}}","version":{{version++}}}""");
                Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
                expected += 1;
            }

            await DeliverAsync(app);
            app.Clock.Advance(Pass);
        }

        var failed = receiver.TakeAll();
        Assert.NotEmpty(failed);

        // Up again: the sender goes on every minute until nothing waits, at most the retry schedule's 30 minutes later.
        receiver.Status = 200;
        var up = app.Clock.GetUtcNow();
        var delivered = new List<ReceivedWebhook>();
        while (delivered.Count < expected && app.Clock.GetUtcNow() - up <= WebhookSender.Backoff[2] + TimeSpan.FromMinutes(1))
        {
            await DeliverAsync(app);
            delivered.AddRange(receiver.TakeAll());
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(expected, delivered.Count);
        Assert.Equal(expected, delivered.Select(d => d.Id).Distinct().Count());
        // Every failed attempt was for an event that then arrived under the same id.
        Assert.Empty(failed.Select(f => f.Id).Except(delivered.Select(d => d.Id)));
        Assert.Equal(expected, await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().CountAsync(d => d.Status == WebhookDeliveryStatus.Delivered)));
        Assert.Equal(0, await DeliverAsync(app));
    }
}
