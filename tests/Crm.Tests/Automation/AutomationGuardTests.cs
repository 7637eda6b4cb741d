using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>A rule that runs too often in a minute pauses itself, says why and tells the administrators.</summary>
public sealed class AutomationGuardTests
{
    [Fact]
    public async Task A_rule_past_its_runs_per_minute_pauses_says_why_and_notifies_the_administrators_until_enabled_again()
    {
        await using var app = App().With("Automation:MaxRunsPerMinute", "3");
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Every new lead", module = "leads", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "New lead {{lastName}}" } },
        }));
        for (var i = 0; i < 5; i++)
        {
            await CreateLeadAsync(admin, $$"""{"firstName":"Flood","lastName":"Lead {{i}}"}""");
        }

        await SettleAsync(app);

        Assert.Equal(3, (await RunsAsync(admin, rule)).GetArrayLength());
        var stopped = await app.InDatabaseAsync(db => db.Set<AutomationRule>().SingleAsync(r => r.Id == rule));
        Assert.False(stopped.IsEnabled);
        Assert.Contains("ran 3 times within a minute", stopped.StoppedReason, StringComparison.Ordinal);
        var notice = await app.InDatabaseAsync(db => db.Notifications.SingleAsync(n => n.UserId == adminId && n.Title.StartsWith("Automation rule paused")));
        Assert.Equal($"/admin/automation/{rule}", notice.Link);

        // A minute later, enabled again: it runs on new changes, and the reason is gone.
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/enable", "{}")).IsSuccessStatusCode);
        await CreateLeadAsync(admin, """{"firstName":"Calm","lastName":"Lead"}""");
        await SettleAsync(app);
        Assert.Equal(4, (await RunsAsync(admin, rule)).GetArrayLength());
        Assert.Null(await app.InDatabaseAsync(db => db.Set<AutomationRule>().Where(r => r.Id == rule).Select(r => r.StoppedReason).SingleAsync()));
    }
}
