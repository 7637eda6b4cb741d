using System.Net;
using System.Text.Json.Nodes;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Automation;

/// <summary>Rules as administrators manage them: API and pages, versions, the audit trail, templates, and bad input refused per field.</summary>
public sealed class AutomationRuleTests
{
    private static JsonObject Valid(Guid user) => JsonNode.Parse($$$"""
        {"name":"Valid rule","module":"leads","trigger":"created","automationUserId":"{{{user}}}",
         "conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"notes","operator":"contains","value":"urgent"}]}]},
         "actions":[{"kind":"notify","recipients":"owner","title":"Lead {{lastName}}"}]}
        """)!.AsObject();

    private static readonly string Long = new('x', 10_000);

    /// <summary>What is changed in a valid rule, and the field the refusal must name.</summary>
    public static readonly TheoryData<string, string> BadInput = new()
    {
        { """{"name":""}""", "name" },
        { $$"""{"name":"{{Long}}"}""", "name" },
        { """{"module":"spaceships"}""", "module" },
        { """{"trigger":"sometimes"}""", "trigger" },
        { """{"trigger":"updated","triggerField":"shoeSize"}""", "triggerField" },
        { """{"triggerField":"status"}""", "triggerField" },
        { """{"triggerValue":"qualified"}""", "triggerValue" },
        { """{"conditions":{"match":"most","groups":[]}}""", "conditions.match" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"shoeSize","operator":"equals","value":"9"}]}]}}""", "conditions.groups[0].conditions[0].field" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"LONG","operator":"equals","value":"9"}]}]}}""".Replace("LONG", Long, StringComparison.Ordinal), "conditions.groups[0].conditions[0].field" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"firstName","operator":"greater-than","value":"9"}]}]}}""", "conditions.groups[0].conditions[0].operator" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"firstName","operator":"matches-regex","value":".*"}]}]}}""", "conditions.groups[0].conditions[0].operator" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"createdAt","operator":"contains","value":"2026"}]}]}}""", "conditions.groups[0].conditions[0].operator" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"firstName","operator":"equals","value":"LONG"}]}]}}""".Replace("LONG", Long, StringComparison.Ordinal), "conditions.groups[0].conditions[0].value" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"firstName","operator":"equals"}]}]}}""", "conditions.groups[0].conditions[0].value" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"id","operator":"greater-than","value":"many"}]}]}}""", "conditions.groups[0].conditions[0].value" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"createdAt","operator":"before","value":"soon"}]}]}}""", "conditions.groups[0].conditions[0].value" },
        { """{"conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"source","operator":"in-list","values":[]}]}]}}""", "conditions.groups[0].conditions[0].values" },
        { """{"conditions":{"match":"all","groups":[{"match":"any","conditions":[]}]}}""", "conditions.groups[0].conditions" },
        { """{"actions":[]}""", "actions" },
        { """{"actions":[{"kind":"launch-rocket","title":"Go"}]}""", "actions[0].kind" },
        { """{"actions":[{"kind":"notify","recipients":"owner","title":"Hello {{shoeSize}}"}]}""", "actions[0].title" },
        { """{"actions":[{"kind":"notify","recipients":"owner","title":"Hi","message":"Read {{secretField}}"}]}""", "actions[0].message" },
        { $$"""{"actions":[{"kind":"notify","recipients":"owner","title":"{{Long}}"}]}""", "actions[0].title" },
        { """{"actions":[{"kind":"notify","recipients":"owner","title":"Hi","message":"<script>alert(1)</script>"}]}""", "actions[0].message" },
        { """{"actions":[{"kind":"notify","recipients":"everyone","title":"Hi"}]}""", "actions[0].recipients" },
        { """{"actions":[{"kind":"notify","recipients":"user","title":"Hi"}]}""", "actions[0].userId" },
        { """{"actions":[{"kind":"notify","recipients":"role","roleId":999999,"title":"Hi"}]}""", "actions[0].roleId" },
        { """{"actions":[{"kind":"create-task","responsible":"department","title":"Hi"}]}""", "actions[0].responsible" },
        { """{"actions":[{"kind":"create-task","responsible":"owner","title":"Hi","dueInDays":-1}]}""", "actions[0].dueInDays" },
        { """{"actions":[{"kind":"create-task","responsible":"owner","title":"Hi","email":true}]}""", "actions[0].email" },
        { """{"automationUserId":null}""", "automationUserId" },
        { $$"""{"automationUserId":"{{Guid.Empty}}"}""", "automationUserId" },
    };

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_on_its_field_and_nothing_is_saved()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var unexpected = new List<string>();
        foreach (var row in BadInput)
        {
            var (change, field) = ((string)row[0], (string)row[1]);
            var body = Valid(adminId);
            foreach (var (key, value) in JsonNode.Parse(change)!.AsObject())
            {
                body[key] = value?.DeepClone();
            }

            var response = await admin.PostJsonAsync("/api/v1/automation/rules", body.ToJsonString());
            var messages = response.StatusCode == HttpStatusCode.BadRequest ? await response.FieldErrorsAsync(field) : [];
            if (messages.Count == 0 || messages.Any(m => m.Length > 600))
            {
                unexpected.Add($"{change[..Math.Min(change.Length, 80)]} → {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync())[..Math.Min(300, (int)response.Content.Headers.ContentLength.GetValueOrDefault(300))]}");
            }
        }

        Assert.Empty(unexpected);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<AutomationRule>().CountAsync()));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/automation/rules", Valid(adminId).ToJsonString())).StatusCode);
    }

    [Fact]
    public async Task Administrators_manage_rules_by_api_and_pages_each_change_versioned_and_audited_old_to_new()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var id = await CreateRuleAsync(admin, Valid(adminId).ToJsonString());
        var read = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{id}")).ReadJsonAsync();
        Assert.Equal((1, false, adminId), (read.GetProperty("version").GetInt32(), read.GetProperty("enabled").GetBoolean(), read.GetProperty("ownerId").GetGuid()));

        var changed = Valid(adminId);
        changed["conditions"]!["groups"]![0]!["conditions"]![0]!["value"] = "asap";
        changed["version"] = 1;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutJsonAsync($"/api/v1/automation/rules/{id}", changed.ToJsonString())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutJsonAsync($"/api/v1/automation/rules/{id}", changed.ToJsonString())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/automation/rules/{id}/enable", null)).StatusCode);
        read = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{id}")).ReadJsonAsync();
        Assert.Equal((3, true), (read.GetProperty("version").GetInt32(), read.GetProperty("enabled").GetBoolean()));

        var entries = await app.InDatabaseAsync(db => db.AuditEntries.Where(e => e.EntityType == "automation-rule" && e.EntityId == id.ToString()).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(["created", "updated", "updated"], entries.Select(e => e.Action));
        var conditions = JsonNode.Parse(entries[1].Changes)!["conditions"]!;
        Assert.Contains("urgent", conditions["old"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("asap", conditions["new"]!.GetValue<string>(), StringComparison.Ordinal);

        // Not for other users, by API or page.
        await UserAsync(app, "sales@crm.test", await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name != "Administrator").Select(r => r.Id).FirstAsync()));
        var sales = await app.SignInAsync("sales@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.Http.GetAsync("/api/v1/automation/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.PostJsonAsync("/api/v1/automation/rules", Valid(adminId).ToJsonString())).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await sales.Http.GetAsync($"/admin/automation/{id}")).StatusCode);

        // The pages: the list, a form with a bad condition named on its field, a good one saved, disable and delete.
        var (_, list) = await admin.GetPageAsync("/admin/automation");
        Assert.Contains("Valid rule", list.QuerySelector("#rules")!.TextContent, StringComparison.Ordinal);
        var bad = await admin.SubmitAsync("/admin/automation/new", new()
        {
            ["Input.Name"] = "From the page", ["Input.Module"] = "leads", ["Input.Trigger"] = "created", ["Input.AutomationUserId"] = adminId.ToString(),
            ["Input.Conditions"] = """{"match":"all","groups":[{"match":"all","conditions":[{"field":"firstName","operator":"before","value":"3"}]}]}""",
            ["Input.Actions"] = """[{"kind":"notify","recipients":"owner","title":"Hi {{firstName}}"}]""",
        }, "#rule-form");
        var (_, form) = await admin.FollowAsync(bad);
        Assert.StartsWith("groups[0].conditions[0].operator: \"before\" does not apply to First name", form.FieldError("Input.Conditions"), StringComparison.Ordinal);
        var good = await admin.SubmitAsync("/admin/automation/new", new()
        {
            ["Input.Name"] = "From the page", ["Input.Module"] = "leads", ["Input.Trigger"] = "updated", ["Input.TriggerField"] = "status",
            ["Input.AutomationUserId"] = adminId.ToString(), ["Input.Conditions"] = "",
            ["Input.Actions"] = """[{"kind":"create-task","responsible":"owner","title":"Look at {{firstName}}","dueInDays":1}]""",
        }, "#rule-form");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var (_, details) = await admin.FollowAsync(good);
        Assert.Contains("status changed", details.QuerySelector("#rule")!.TextContent, StringComparison.Ordinal);
        var pageRule = await app.InDatabaseAsync(db => db.Set<AutomationRule>().SingleAsync(r => r.Name == "From the page"));
        var edit = await admin.SubmitAsync($"/admin/automation/{pageRule.Id}/edit", new()
        {
            ["Input.Name"] = "From the page, renamed", ["Input.Module"] = "leads", ["Input.Trigger"] = "updated", ["Input.TriggerField"] = "status",
            ["Input.AutomationUserId"] = adminId.ToString(), ["Input.Conditions"] = "", ["Input.Actions"] = pageRule.Actions,
        }, "#rule-form");
        Assert.Equal(HttpStatusCode.Redirect, edit.StatusCode);
        var renamed = await app.InDatabaseAsync(db => db.Set<AutomationRule>().AsNoTracking().SingleAsync(r => r.Id == pageRule.Id));
        Assert.Equal(("From the page, renamed", 2), (renamed.Name, renamed.Version));

        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync($"/admin/automation/{id}", [], "#switch")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Set<AutomationRule>().Where(r => r.Id == id).Select(r => r.IsEnabled).SingleAsync()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/automation/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync($"/api/v1/automation/rules/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_urgent_lead_template_makes_a_disabled_rule_that_one_click_enables()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var templates = await (await admin.Http.GetAsync("/api/v1/automation/templates")).ReadJsonAsync();
        Assert.Equal(["urgent-lead", "deal-closing", "new-employee", "user-deactivated"], templates.EnumerateArray().Select(t => t.GetProperty("key").GetString()));

        var used = await admin.SubmitAsync("/admin/automation", [], "[data-template=urgent-lead] form");
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        var rule = await app.InDatabaseAsync(db => db.Set<AutomationRule>().SingleAsync());
        Assert.Equal(("Urgent lead → notify the owner's manager", false, await app.AdminIdAsync()), (rule.Name, rule.IsEnabled, rule.AutomationUserId));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync($"/admin/automation/{rule.Id}", [], "#switch")).StatusCode);
        Assert.True(await app.InDatabaseAsync(db => db.Set<AutomationRule>().Select(r => r.IsEnabled).SingleAsync()));
    }
}
