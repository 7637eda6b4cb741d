using System.Globalization;
using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Automation;

/// <summary>Rules fired from committed changes: every trigger, every operator, each action, failures, permissions, loops, and the try.</summary>
public sealed class AutomationEngineTests
{
    private static string Rule(string name, string module, string trigger, Guid user, object? conditions = null, string? triggerField = null, string? triggerValue = null,
        object? actions = null, bool enabled = true) =>
        JsonSerializer.Serialize(new
        {
            name, module, trigger, triggerField, triggerValue, conditions, enabled, automationUserId = user,
            actions = actions ?? new object[] { new { kind = "notify", recipients = "owner", title = $"{name}: {{{{id}}}}" } },
        });

    private static object One(string field, string op, string? value = null, string[]? values = null) =>
        new { match = "all", groups = new[] { new { match = "all", conditions = new[] { new { field, @operator = op, value, values } } } } };

    [Fact]
    public async Task Every_trigger_fires_on_its_own_change_only()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var created = await CreateRuleAsync(admin, Rule("Created", "leads", "created", adminId));
        var updated = await CreateRuleAsync(admin, Rule("Any update", "leads", "updated", adminId));
        var statusChanged = await CreateRuleAsync(admin, Rule("Status changed", "leads", "updated", adminId, triggerField: "status"));
        var qualified = await CreateRuleAsync(admin, Rule("Became qualified", "leads", "updated", adminId, triggerField: "status", triggerValue: "qualified"));
        var deleted = await CreateRuleAsync(admin, Rule("Deleted", "leads", "deleted", adminId));
        var changedTo = await CreateRuleAsync(admin, Rule("Condition changed to", "leads", "updated", adminId, One("status", "changed-to", "Qualified")));
        var notesChanged = await CreateRuleAsync(admin, Rule("Condition changed", "leads", "updated", adminId, One("notes", "changed")));
        var other = await CreateRuleAsync(admin, Rule("Other module", "deals", "created", adminId));

        var lead = await CreateLeadAsync(admin, """{"firstName":"Tri","lastName":"Gger","status":"new"}""");
        await RunEngineAsync(app);
        foreach (var (patch, version) in new[] { ("\"notes\":\"Called\"", 1), ("\"status\":\"contacted\"", 2), ("\"status\":\"qualified\"", 3) })
        {
            var response = await admin.PatchJsonAsync($"/api/v1/leads/{lead}", $$"""{{{patch}},"version":{{version}}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await RunEngineAsync(app);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/leads/{lead}")).StatusCode);
        await SettleAsync(app);

        async Task<(int Runs, int Matched, string Triggers)> Of(Guid rule)
        {
            var runs = (await RunsAsync(admin, rule)).EnumerateArray().ToList();
            Assert.All(runs, r => Assert.Equal(lead, r.GetProperty("recordId").GetInt32()));
            return (runs.Count, runs.Count(r => r.GetProperty("matched").GetBoolean()), string.Join(",", runs.Select(r => r.GetProperty("trigger").GetString()!).Distinct()));
        }

        Assert.Equal((1, 1, "created"), await Of(created));
        Assert.Equal((3, 3, "updated"), await Of(updated));
        Assert.Equal((2, 2, "updated"), await Of(statusChanged));
        Assert.Equal((1, 1, "updated"), await Of(qualified));
        Assert.Equal((1, 1, "deleted"), await Of(deleted));
        Assert.Equal((3, 1, "updated"), await Of(changedTo));
        Assert.Equal((3, 1, "updated"), await Of(notesChanged));
        Assert.Equal(0, (await RunsAsync(admin, other)).GetArrayLength());
        var deletion = (await RunsAsync(admin, deleted))[0];
        Assert.Equal("Tri Gger", deletion.GetProperty("recordLabel").GetString());
        // Each matching run notified the owner once: 1 + 3 + 2 + 1 + 1 + 1 + 1.
        Assert.Equal(10, await app.InDatabaseAsync(db => db.Notifications.CountAsync(n => n.UserId == adminId && n.Link == $"/leads/{lead}")));
    }

    public static readonly TheoryData<string, string, string, string?, string?, bool> Operators = new()
    {
        // module, field, operator, value, list values (comma-separated), holds for the record made below
        { "leads", "firstName", "equals", "ada", null, true },
        { "leads", "firstName", "equals", "Bob", null, false },
        { "leads", "firstName", "not-equals", "Bob", null, true },
        { "leads", "firstName", "not-equals", "ADA", null, false },
        { "leads", "companyName", "contains", "engine", null, true },
        { "leads", "companyName", "contains", "motor", null, false },
        { "leads", "email", "is-empty", null, null, true },
        { "leads", "companyName", "is-empty", null, null, false },
        { "leads", "companyName", "is-not-empty", null, null, true },
        { "leads", "email", "is-not-empty", null, null, false },
        { "leads", "source", "in-list", null, "referral,web", true },
        { "leads", "source", "in-list", null, "event,other", false },
        { "leads", "notes", "changed", null, null, true },
        { "leads", "email", "changed", null, null, false },
        { "leads", "status", "changed-to", "new", null, true },
        { "leads", "status", "changed-to", "qualified", null, false },
        { "deals", "probability", "greater-than", "50", null, true },
        { "deals", "probability", "greater-than", "60", null, false },
        { "deals", "probability", "less-than", "61", null, true },
        { "deals", "probability", "less-than", "60", null, false },
        { "deals", "probability", "equals", "60", null, true },
        { "deals", "probability", "in-list", null, "10,60", true },
        { "deals", "expectedClose", "before", "7", null, true },
        { "deals", "expectedClose", "before", "3", null, false },
        { "deals", "expectedClose", "after", "3", null, true },
        { "deals", "expectedClose", "after", "7", null, false },
        { "deals", "expectedClose", "is-empty", null, null, false },
        { "deals", "isOpen", "equals", "true", null, true },
        { "deals", "isOpen", "equals", "false", null, false },
        { "deals", "companyId", "is-empty", null, null, true },
    };

    [Fact]
    public async Task Every_operator_holds_or_fails_as_the_table_says_and_groups_combine_with_all_and_any()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var rules = new List<(Guid Rule, string Case, bool Holds)>();
        foreach (var row in Operators)
        {
            var (module, field, op, value, list, holds) = ((string)row[0], (string)row[1], (string)row[2], (string?)row[3], (string?)row[4], (bool)row[5]);
            var name = $"{module} {field} {op} {value ?? list}";
            rules.Add((await CreateRuleAsync(admin, Rule(name, module, "created", adminId, One(field, op, value, list?.Split(',')))), name, holds));
        }

        object Groups(string match) => new
        {
            match,
            groups = new[]
            {
                new { match = "all", conditions = new object[] { new { field = "firstName", @operator = "equals", value = "Ada" }, new { field = "lastName", @operator = "equals", value = "Byron" } } },
                new { match = "any", conditions = new object[] { new { field = "firstName", @operator = "equals", value = "Bob" }, new { field = "lastName", @operator = "equals", value = "Lovelace" } } },
            },
        };
        rules.Add((await CreateRuleAsync(admin, Rule("any of (all false, any true)", "leads", "created", adminId, Groups("any"))), "groups any", true));
        rules.Add((await CreateRuleAsync(admin, Rule("all of (all false, any true)", "leads", "created", adminId, Groups("all"))), "groups all", false));
        rules.Add((await CreateRuleAsync(admin, Rule("no conditions", "leads", "created", adminId)), "no conditions", true));

        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await CreateLeadAsync(admin, """{"firstName":"Ada","lastName":"Lovelace","companyName":"Analytical Engines","source":"web","status":"new","notes":"Call back"}""");
        var deal = await admin.PostJsonAsync("/api/v1/deals",
            $$"""{"title":"Engine order","probability":60,"expectedClose":"{{today.AddDays(5):yyyy-MM-dd}}","currency":"EUR","amount":"5000"}""");
        Assert.Equal(HttpStatusCode.Created, deal.StatusCode);
        await SettleAsync(app);

        var outcomes = new List<string>();
        foreach (var (rule, name, holds) in rules)
        {
            var run = Assert.Single((await RunsAsync(admin, rule)).EnumerateArray());
            if (run.GetProperty("matched").GetBoolean() != holds)
            {
                outcomes.Add($"{name}: expected {holds}, steps {run.GetProperty("steps")}");
            }
        }

        Assert.Empty(outcomes);
    }

    [Fact]
    public async Task Actions_notify_the_owners_manager_and_create_a_task_for_the_owner_as_the_automation_user()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var leadsAndTasks = new[] { CrmModules.Leads.Key, CrmModules.Tasks.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, Scope.All))).ToArray();
        var managerRole = await RoleAsync(app, "Lead manager", null, AssignRecordsTo.AnyUser, leadsAndTasks);
        var salesRole = await RoleAsync(app, "Lead seller", managerRole, AssignRecordsTo.AnyUser, leadsAndTasks);
        var east = await DepartmentAsync(app, "East");
        var west = await DepartmentAsync(app, "West");
        var manager = await UserAsync(app, "mia.manager@crm.test", managerRole, east);
        var otherManager = await UserAsync(app, "west.manager@crm.test", managerRole, west);
        var seller = await UserAsync(app, "seller@crm.test", salesRole, east);
        var robot = await UserAsync(app, "robot@crm.test", salesRole);
        var rule = await CreateRuleAsync(admin, Rule("Urgent leads", "leads", "created", robot.Id, One("notes", "contains", "URGENT"), actions: new object[]
        {
            new { kind = "notify", recipients = "manager", title = "Urgent lead: {{firstName}} {{lastName}}", message = "From {{companyName}}; owner {{ownerName}}.", email = true },
            new { kind = "create-task", responsible = "owner", title = "Call {{firstName}} {{lastName}} back", message = "Notes: {{notes}}", dueInDays = 2 },
        }));

        var sales = await app.SignInAsync("seller@crm.test", Password);
        var urgent = await CreateLeadAsync(sales, """{"firstName":"Ann","lastName":"O'Hara","companyName":"Rush & Co","notes":"Urgent: wants a quote today"}""");
        await CreateLeadAsync(sales, """{"firstName":"Calm","lastName":"Person","notes":"No hurry"}""");
        await SettleAsync(app);

        var notifications = await app.InDatabaseAsync(db => db.Notifications.Where(n => n.Title.StartsWith("Urgent lead")).ToListAsync());
        var note = Assert.Single(notifications);
        Assert.Equal(manager.Id, note.UserId);
        Assert.Equal("Urgent lead: Ann O'Hara", note.Title);
        Assert.Equal($"From Rush & Co; owner {seller.FullName}.", note.Body);
        Assert.Equal($"/leads/{urgent}", note.Link);
        Assert.DoesNotContain(await app.InDatabaseAsync(db => db.Notifications.Select(n => n.UserId).ToListAsync()), id => id == otherManager.Id);
        var email = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync(e => e.Purpose == "automation"));
        Assert.Equal(("mia.manager@crm.test", "Urgent lead: Ann O'Hara"), (email.To, email.Subject));

        var task = await app.InDatabaseAsync(db => db.Tasks.Include(t => t.Responsible).SingleAsync(t => t.RelatedModule == "leads" && t.RelatedId == urgent));
        Assert.Equal("Call Ann O'Hara back", task.Title);
        Assert.Equal("Notes: Urgent: wants a quote today", task.Description);
        Assert.Equal(DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(2), task.DueDate);
        Assert.Equal([seller.Id], task.Responsible.Select(r => r.UserId));
        var entry = await app.InDatabaseAsync(db => db.AuditEntries.SingleAsync(e => e.EntityType == "tasks" && e.EntityId == task.Id.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(("automation", robot.Id, $"Rule \"Urgent leads\" as {robot.FullName}"), (entry.ActorKind, entry.ActorUserId!.Value, entry.ActorName));

        var runs = (await RunsAsync(admin, rule)).EnumerateArray().ToDictionary(r => r.GetProperty("recordId").GetInt32() == urgent);
        Assert.Equal((true, false), (runs[true].GetProperty("matched").GetBoolean(), runs[false].GetProperty("matched").GetBoolean()));
        var actions = runs[true].GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(["done", "done"], actions.Select(a => a.GetProperty("status").GetString()));
        Assert.Equal(["Notified 1 person.", $"Created task {task.Id}."], actions.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal(1, runs[true].GetProperty("ruleVersion").GetInt32());
    }

    [Fact]
    public async Task A_rule_never_does_more_than_its_automation_user_and_a_failed_action_keeps_the_save_and_is_retried_visibly()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var role = await RoleAsync(app, "Robot", null, AssignRecordsTo.AnyUser,
            (CrmModules.Leads.Key, PermissionAction.View, Scope.Own), (CrmModules.Deals.Key, PermissionAction.View, Scope.All));
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = CrmModules.Deals.Key, Field = "amount", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        var robot = await UserAsync(app, "robot@crm.test", role);
        var taskRule = await CreateRuleAsync(admin, Rule("Follow up", "leads", "created", robot.Id,
            actions: new object[] { new { kind = "create-task", responsible = "owner", title = "Follow up {{lastName}}" } }));
        var amountRule = await CreateRuleAsync(admin, Rule("Amount unseen", "deals", "created", robot.Id, One("amount", "is-empty")));

        var unseen = await CreateLeadAsync(admin, """{"firstName":"Not","lastName":"Visible"}""");
        var seen = await CreateLeadAsync(admin, $$"""{"firstName":"Is","lastName":"Visible","ownerId":"{{robot.Id}}"}""");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/deals", """{"title":"Big","currency":"EUR","amount":"90000"}""")).StatusCode);
        await RunEngineAsync(app);

        // The amount is there, but the robot's role hides it: it reads as empty.
        Assert.True(Assert.Single((await RunsAsync(admin, amountRule)).EnumerateArray()).GetProperty("matched").GetBoolean());
        var runs = (await RunsAsync(admin, taskRule)).EnumerateArray().ToDictionary(r => r.GetProperty("recordId").GetInt32());
        Assert.False(runs[unseen].GetProperty("matched").GetBoolean());
        Assert.False(runs[unseen].GetProperty("steps").GetProperty("visible").GetBoolean());
        Assert.Empty(runs[unseen].GetProperty("actions").EnumerateArray());

        // The robot may not add tasks, so neither may its rule: the action fails, the lead stays, and the log says why.
        async Task<JsonElement> ActionAsync() => (await RunsAsync(admin, taskRule)).EnumerateArray()
            .Single(r => r.GetProperty("recordId").GetInt32() == seen).GetProperty("actions")[0];
        var action = await ActionAsync();
        Assert.Equal(("pending", 1, "You may not add tasks."), (action.GetProperty("status").GetString(), action.GetProperty("attempts").GetInt32(), action.GetProperty("lastError").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync($"/api/v1/leads/{seen}")).StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Tasks.CountAsync()));
        Assert.Equal(0, await RunEngineAsync(app));
        app.Clock.Advance(RunAutomationAction.Backoff[0]);
        Assert.Equal(1, await RunEngineAsync(app));
        Assert.Equal(2, (await ActionAsync()).GetProperty("attempts").GetInt32());

        // Once the robot's role may add tasks, the next retry does it.
        await app.InDatabaseAsync(db =>
        {
            db.RoleGrants.Add(new RoleGrant { RoleId = role, Module = CrmModules.Tasks.Key, Action = PermissionAction.Create, Scope = Scope.Own });
            db.RoleGrants.Add(new RoleGrant { RoleId = role, Module = CrmModules.Tasks.Key, Action = PermissionAction.View, Scope = Scope.Own });
            return db.SaveChangesAsync();
        });
        app.Clock.Advance(RunAutomationAction.Backoff[1]);
        admin = await app.SignInAsAdminAsync();
        Assert.Equal(1, await RunEngineAsync(app));
        action = await ActionAsync();
        Assert.Equal(("done", 3), (action.GetProperty("status").GetString(), action.GetProperty("attempts").GetInt32()));
        Assert.Equal("Follow up Visible", await app.InDatabaseAsync(db => db.Tasks.Select(t => t.Title).SingleAsync()));
        Assert.True(await app.InDatabaseAsync(db => db.Leads.AnyAsync(l => l.Id == unseen)));

        // A deactivated automation user stops the rule at its next change, and the rule says why.
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == robot.Id)).IsActive = false;
            return await db.SaveChangesAsync();
        });
        await CreateLeadAsync(admin, """{"firstName":"After","lastName":"Robot"}""");
        await RunEngineAsync(app);
        var stopped = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{taskRule}")).ReadJsonAsync();
        Assert.False(stopped.GetProperty("enabled").GetBoolean());
        Assert.Equal(EvaluateRule.AutomationUserInactive, stopped.GetProperty("stoppedReason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PostAsync($"/api/v1/automation/rules/{taskRule}/enable", null)).StatusCode);
    }

    [Fact]
    public async Task Try_on_record_shows_the_same_evaluation_the_run_made_and_does_nothing()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var conditions = new
        {
            match = "all",
            groups = new[] { new { match = "any", conditions = new object[] { new { field = "notes", @operator = "contains", value = "urgent" }, new { field = "source", @operator = "equals", value = "referral" } } } },
        };
        var rule = await CreateRuleAsync(admin, Rule("Try me", "leads", "created", adminId, conditions));
        var lead = await CreateLeadAsync(admin, """{"firstName":"Ty","lastName":"Ryan","notes":"urgent please","source":"web"}""");
        await SettleAsync(app);
        var run = Assert.Single((await RunsAsync(admin, rule)).EnumerateArray());
        var notifications = await app.InDatabaseAsync(db => db.Notifications.CountAsync());

        var tried = await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", $$"""{"recordId":{{lead}}}""");
        Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
        var outcome = await tried.ReadJsonAsync();
        var evaluation = outcome.GetProperty("evaluation");
        Assert.True(evaluation.GetProperty("matched").GetBoolean());
        Assert.Equal(run.GetProperty("steps").GetProperty("conditions").ToString(), evaluation.GetProperty("conditions").ToString());
        Assert.Equal([true, false], evaluation.GetProperty("conditions").EnumerateArray().Select(c => c.GetProperty("held").GetBoolean()));
        Assert.Equal(run.GetProperty("actions")[0].GetProperty("summary").GetString(), outcome.GetProperty("actions")[0].GetProperty("summary").GetString());
        Assert.Equal(notifications, await app.InDatabaseAsync(db => db.Notifications.CountAsync()));
        Assert.Single((await RunsAsync(admin, rule)).EnumerateArray());

        var page = await admin.SubmitAsync($"/admin/automation/{rule}", new() { ["RecordId"] = lead.ToString(CultureInfo.InvariantCulture) }, "#try");
        var (_, document) = await admin.FollowAsync(page);
        var shown = document.QuerySelector("#try-outcome")!.TextContent;
        Assert.Contains("Matches", shown, StringComparison.Ordinal);
        Assert.Contains("notes contains urgent", shown, StringComparison.Ordinal);
        Assert.Contains(outcome.GetProperty("actions")[0].GetProperty("summary").GetString()!, shown, StringComparison.Ordinal);

        var missing = await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", """{"recordId":null}""");
        Assert.Equal(["Give the ID of a record to try the rule on."], await missing.FieldErrorsAsync("recordId"));
    }

    [Fact]
    public async Task Chains_of_rules_are_cut_after_three_automatic_changes()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var rule = await CreateRuleAsync(admin, Rule("Task breeds task", "tasks", "created", adminId,
            actions: new object[] { new { kind = "create-task", responsible = "owner", title = "Next after {{id}}" } }));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/tasks", """{"title":"By hand"}""")).StatusCode);
        await SettleAsync(app);
        await SettleAsync(app);

        Assert.Equal(4, await app.InDatabaseAsync(db => db.Tasks.CountAsync()));
        var runs = (await RunsAsync(admin, rule)).EnumerateArray().OrderBy(r => r.GetProperty("depth").GetInt32()).ToList();
        Assert.Equal([0, 1, 2, 3], runs.Select(r => r.GetProperty("depth").GetInt32()));
        Assert.StartsWith("Loop cut", runs[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(runs[3].GetProperty("actions").EnumerateArray());
    }
}
