using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>
/// A module's custom fields are fields of its rules: offered with their kind, compared in conditions
/// by that kind, waited for by an update trigger, used in texts, and a key the module does not have
/// is refused like any unknown field.
/// </summary>
public sealed class CustomFieldConditionTests
{
    [Fact]
    public async Task A_rule_reads_the_records_custom_fields_in_its_conditions_triggers_and_texts()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        foreach (var field in new object[]
        {
            new { module = "leads", key = "tier", label = "Tier", type = "select", choices = new[] { new { value = "Gold" }, new { value = "Silver" } } },
            new { module = "leads", key = "score", label = "Score", type = "number" },
        })
        {
            var created = await admin.Http.PostAsJsonAsync("/api/v1/custom-fields", field);
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var offered = (await (await admin.Http.GetAsync("/api/v1/automation/fields")).ReadJsonAsync()).EnumerateArray()
            .Single(m => m.GetProperty("module").GetString() == "leads").GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("kind").GetString());
        Assert.Equal(("text", "number"), (offered["customFields.tier"], offered["customFields.score"]));

        object Rule(string name, string trigger, object[] conditions, string title, string? triggerField = null, string? triggerValue = null) => new
        {
            name, module = "leads", trigger, triggerField, triggerValue, enabled = true, automationUserId = adminId,
            conditions = new { match = "all", groups = new[] { new { match = "all", conditions } } },
            actions = new object[] { new { kind = "notify", recipients = "owner", title } },
        };
        await CreateRuleAsync(admin, JsonSerializer.Serialize(Rule("Gold leads", "created",
            [new { field = "customFields.tier", @operator = "equals", value = "Gold" }, new { field = "customFields.score", @operator = "greater-than", value = "50" }],
            "Gold lead {{lastName}} scored {{customFields.score}}")));
        await CreateRuleAsync(admin, JsonSerializer.Serialize(Rule("Upgraded", "updated",
            [new { field = "customFields.score", @operator = "is-not-empty", value = "" }], "Upgraded: {{lastName}}", "customFields.tier", "Gold")));

        await CreateLeadAsync(admin, """{"firstName":"Ada","lastName":"Golden","customFields":{"tier":"Gold","score":80}}""");
        await CreateLeadAsync(admin, """{"firstName":"Bo","lastName":"Lowscore","customFields":{"tier":"Gold","score":20}}""");
        var silver = await CreateLeadAsync(admin, """{"firstName":"Cy","lastName":"Silverton","customFields":{"tier":"Silver","score":90}}""");
        await SettleAsync(app);
        var version = (await (await admin.Http.GetAsync($"/api/v1/leads/{silver}")).ReadJsonAsync()).GetProperty("version").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/leads/{silver}", $$"""{"customFields":{"tier":"Gold"},"version":{{version}}}""")).StatusCode);
        await SettleAsync(app);

        var titles = await app.InDatabaseAsync(db => db.Notifications.Where(n => n.UserId == adminId).Select(n => n.Title).ToListAsync());
        // A number compared as a number (80 > 50, 20 is not), a choice as its text; the texts show the custom value.
        Assert.Equal(["Gold lead Golden scored 80"], titles.Where(t => t.StartsWith("Gold lead", StringComparison.Ordinal)));
        Assert.Contains("Upgraded: Silverton", titles);

        // A key the module does not have is refused on the condition's field, naming the custom fields it has.
        var refused = await admin.PostJsonAsync("/api/v1/automation/rules", JsonSerializer.Serialize(Rule("Unknown", "created",
            [new { field = "customFields.nothing", @operator = "equals", value = "x" }], "x")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = (await refused.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Single(e => e.Name.EndsWith(".field", StringComparison.Ordinal)).Value[0].GetString();
        Assert.Contains("customFields.tier", message, StringComparison.Ordinal);
    }
}
