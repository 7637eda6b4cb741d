using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>Module events: a rule waiting for a lead's conversion or a transfer fires on that change and on no other.</summary>
public sealed class EventTriggerTests
{
    [Fact]
    public async Task A_conversion_and_a_transfer_fire_their_event_rules_and_other_updates_do_not()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var bo = await app.CreateUserAsync("bo.new@crm.test", "bo password 2026 ok", administrator: true, name: "Bo New");
        object Rule(string name, string module, string @event, string title) => new
        {
            name, module, trigger = "event", triggerField = @event, enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "owner", title } },
        };
        var converted = await CreateRuleAsync(admin, JsonSerializer.Serialize(Rule("Welcome the customer", "leads", "converted", "Converted: {{lastName}}")));
        var transferred = await CreateRuleAsync(admin, JsonSerializer.Serialize(Rule("Brief the new owner", "companies", "transferred", "Now yours: {{name}}")));

        var lead = await CreateLeadAsync(admin, """{"firstName":"Ada","lastName":"Lovelace","companyName":"Engines"}""");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/leads/{lead}", """{"notes":"Met at the fair","version":1}""")).StatusCode);
        var company = await admin.PostJsonAsync("/api/v1/companies", """{"name":"Analytical Engines"}""");
        Assert.Equal(HttpStatusCode.Created, company.StatusCode);
        var companyId = (await company.ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/companies/{companyId}", """{"city":"London","version":1}""")).StatusCode);
        await SettleAsync(app);
        Assert.Equal(0, (await RunsAsync(admin, converted)).GetArrayLength());
        Assert.Equal(0, (await RunsAsync(admin, transferred)).GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"version":2}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{companyId}}],"newOwnerId":"{{bo.Id}}"}""")).StatusCode);
        await SettleAsync(app);

        var conversion = Assert.Single((await RunsAsync(admin, converted)).EnumerateArray());
        Assert.True(conversion.GetProperty("matched").GetBoolean());
        Assert.Contains("a lead is converted", conversion.GetProperty("steps").GetProperty("trigger").GetString(), StringComparison.Ordinal);
        var transfer = Assert.Single((await RunsAsync(admin, transferred)).EnumerateArray());
        Assert.True(transfer.GetProperty("matched").GetBoolean());
        Assert.Equal("Now yours: Analytical Engines", await app.InDatabaseAsync(db => db.Notifications.Where(n => n.UserId == bo.Id).Select(n => n.Title).SingleAsync()));
        Assert.True(await app.InDatabaseAsync(db => db.Notifications.AnyAsync(n => n.UserId == adminId && n.Title == "Converted: Lovelace")));

        // An event the module does not have is refused on its field.
        var refused = await admin.PostJsonAsync("/api/v1/automation/rules", JsonSerializer.Serialize(Rule("Wrong", "deals", "converted", "x")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("transferred", (await refused.ReadJsonAsync()).GetProperty("errors").GetProperty("triggerField")[0].GetString(), StringComparison.Ordinal);
    }
}
