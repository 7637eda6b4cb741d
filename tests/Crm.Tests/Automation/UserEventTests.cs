using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>
/// Rules on users (ADR 0050): "created" and the "deactivated" event come from the sealed trail of the
/// users' own use cases, fire once per event, see the user's fields as an administrator reads them,
/// are tried on a user by their ID, and never see a user their automation user could not open.
/// </summary>
public sealed class UserEventTests
{
    [Fact]
    public async Task Created_and_deactivated_fire_once_per_event_with_conditions_on_the_users_fields()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var (executive, hr) = await RolesAsync(app);
        var people = await DepartmentAsync(admin, "People");
        var sales = await DepartmentAsync(admin, "Sales");
        var eve = await CreateUserAsync(admin, new { email = "eve@crm.test", fullName = "Eve Exec", roleId = executive, departmentIds = new[] { people }, primaryDepartmentId = people });
        await SettleAsync(app);

        var onboarding = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Onboard new people", module = "users", trigger = "created", enabled = true, automationUserId = adminId,
            conditions = new
            {
                match = "all",
                groups = new[] { new { match = "all", conditions = new object[] { new { field = "department", @operator = "equals", value = "People" }, new { field = "isIntegration", @operator = "equals", value = "false" } } } },
            },
            actions = new object[]
            {
                new { kind = "create-task", responsible = "manager", title = "Onboard {{fullName}}", message = "{{fullName}} joins as {{role}}; manager {{manager}}.", dueInDays = 2 },
                new { kind = "send-email", toField = "email", title = "Welcome, {{fullName}}", message = "Your manager is {{manager}}." },
            },
        }));
        var leaving = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Tell me who leaves", module = "users", trigger = "event", triggerField = "deactivated", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "user", userId = adminId, title = "Gone: {{fullName}} <{{email}}>" } },
        }));

        var updates = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Any change of a user", module = "users", trigger = "updated", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "user", userId = adminId, title = "Changed: {{fullName}}" } },
        }));

        var nina = await CreateUserAsync(admin, new { email = "nina@crm.test", fullName = "Nina New", roleId = hr, departmentIds = new[] { people }, primaryDepartmentId = people });
        var otto = await CreateUserAsync(admin, new { email = "otto@crm.test", fullName = "Otto Other", roleId = hr, departmentIds = new[] { sales }, primaryDepartmentId = sales });
        await SettleAsync(app);
        // An update of a user is neither a creation nor a deactivation.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/users/{nina}",
            new { email = "nina@crm.test", fullName = "Nina Newer", roleId = hr, departmentIds = new[] { people }, primaryDepartmentId = people })).StatusCode);
        await SettleAsync(app);

        // A mistyped password changes the account's bookkeeping only (its failed-attempt count): no rule on users sees it.
        var wrong = await app.NewClient().SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = "not the password at all" });
        Assert.NotEqual(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.True(await app.InDatabaseAsync(db => db.AuditEntries.AnyAsync(e => e.EntityType == "user" && e.EntityId == adminId.ToString() && e.Changes.Contains("accessFailedCount"))));
        await SettleAsync(app);
        var changed = Assert.Single((await RunsAsync(admin, updates)).EnumerateArray());
        Assert.Equal(nina.ToString(), changed.GetProperty("recordKey").GetString());
        Assert.Contains("Nina Newer", changed.GetProperty("recordLabel").GetString(), StringComparison.Ordinal);

        var created = (await RunsAsync(admin, onboarding)).EnumerateArray().ToList();
        Assert.Equal(2, created.Count);
        var ninaRun = Assert.Single(created, r => r.GetProperty("recordKey").GetString() == nina.ToString());
        Assert.True(ninaRun.GetProperty("matched").GetBoolean());
        Assert.Equal("created", ninaRun.GetProperty("trigger").GetString());
        Assert.Equal($"/admin/users/{nina}", ninaRun.GetProperty("link").GetString());
        Assert.Contains(ninaRun.GetProperty("steps").GetProperty("conditions").EnumerateArray(), c => c.GetProperty("field").GetString() == "department" && c.GetProperty("actual").GetString() == "People");
        var ottoRun = Assert.Single(created, r => r.GetProperty("recordKey").GetString() == otto.ToString());
        Assert.False(ottoRun.GetProperty("matched").GetBoolean());
        Assert.Equal(0, (await RunsAsync(admin, leaving)).GetArrayLength());

        // One task, for the new user's manager (Executive is HR's parent role), naming the user instead of linking to them.
        var task = await app.InDatabaseAsync(db => db.Tasks.Where(t => t.Title.StartsWith("Onboard ")).Select(t => new { t.Id, t.Title, t.Description, t.RelatedModule, t.RelatedId }).SingleAsync());
        Assert.Equal("Onboard Nina New", task.Title);
        Assert.Null(task.RelatedModule);
        Assert.Null(task.RelatedId);
        Assert.Contains("joins as HR; manager Eve Exec.", task.Description, StringComparison.Ordinal);
        Assert.Contains($"/admin/users/{nina}", task.Description, StringComparison.Ordinal);
        Assert.Equal([eve], await app.InDatabaseAsync(db => db.TaskResponsibles.Where(r => r.TaskId == task.Id).Select(r => r.UserId).ToListAsync()));

        // The welcome email goes to the new user's own address, through the outbox.
        Assert.Equal(["nina@crm.test: Welcome, Nina New"], await app.InDatabaseAsync(db => db.OutgoingEmails.Where(m => m.Purpose == "automation").Select(m => m.To + ": " + m.Subject).ToListAsync()));

        // Deactivated fires once per deactivation: not on the reactivation, again on the next deactivation.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{nina}/deactivate", null)).StatusCode);
        await SettleAsync(app);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{nina}/activate", null)).StatusCode);
        await SettleAsync(app);
        var once = Assert.Single((await RunsAsync(admin, leaving)).EnumerateArray());
        Assert.True(once.GetProperty("matched").GetBoolean());
        Assert.Contains("a user is deactivated", once.GetProperty("steps").GetProperty("trigger").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Gone: Nina Newer <nina@crm.test>"], await app.InDatabaseAsync(db => db.Notifications.Where(n => n.UserId == adminId && n.Title.StartsWith("Gone")).Select(n => n.Title).ToListAsync()));
        Assert.Equal($"/admin/users/{nina}", await app.InDatabaseAsync(db => db.Notifications.Where(n => n.Title.StartsWith("Gone")).Select(n => n.Link).SingleAsync()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{nina}/deactivate", null)).StatusCode);
        await SettleAsync(app);
        Assert.Equal(2, (await RunsAsync(admin, leaving)).GetArrayLength());

        // The offboarding wizard's first step deactivates through the same use case: the same event, once.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/api/v1/users/{otto}/offboarding/deactivate", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/api/v1/users/{otto}/offboarding/deactivate", "{}")).StatusCode);
        await SettleAsync(app);
        Assert.Single((await RunsAsync(admin, leaving)).EnumerateArray(), r => r.GetProperty("recordKey").GetString() == otto.ToString());
        Assert.Equal(1, (await RunsAsync(admin, onboarding)).EnumerateArray().Count(r => r.GetProperty("recordKey").GetString() == nina.ToString()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Tasks.CountAsync(t => t.Title.StartsWith("Onboard "))));
    }

    [Fact]
    public async Task The_templates_make_rules_on_users_that_are_tried_on_a_user_and_bad_rules_are_refused_without_a_change()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var (_, hr) = await RolesAsync(app);
        var hana = await CreateUserAsync(admin, new { email = "hana@crm.test", fullName = "Hana HR", roleId = hr });
        await SettleAsync(app);

        // The fields and events rules on users can use.
        var fields = (await (await admin.Http.GetAsync("/api/v1/automation/fields")).ReadJsonAsync()).EnumerateArray().Single(m => m.GetProperty("module").GetString() == "users");
        var names = fields.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        foreach (var name in new[] { "fullName", "email", "department", "departments", "role", "manager", "isAdministrator", "isActive", "isIntegration" })
        {
            Assert.Contains(name, names);
        }

        Assert.Equal(["deactivated", "reactivated"], fields.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("key").GetString()).ToList());
        Assert.Empty(fields.GetProperty("settable").EnumerateArray());

        // "New employee": made disabled, its task for the HR role's first person; enabled in one click.
        var made = await admin.PostJsonAsync("/api/v1/automation/templates/new-employee", "{}");
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var rule = (await made.ReadJsonAsync()).GetProperty("id").GetGuid();
        var read = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{rule}")).ReadJsonAsync();
        Assert.False(read.GetProperty("enabled").GetBoolean());
        Assert.Equal("users", read.GetProperty("module").GetString());
        Assert.Equal(hana, read.GetProperty("actions")[0].GetProperty("userId").GetGuid());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/enable", "{}")).StatusCode);

        var ivan = await CreateUserAsync(admin, new { email = "ivan@crm.test", fullName = "Ivan Intake", roleId = hr });
        var robot = await CreateUserAsync(admin, new { email = "robot@crm.test", fullName = "ERP robot", roleId = hr, kind = "Integration" });
        await SettleAsync(app);
        var onboarding = await app.InDatabaseAsync(db => db.Tasks.Where(t => t.Title.StartsWith("Onboard ")).Select(t => new { t.Id, t.Title }).SingleAsync());
        Assert.Equal("Onboard Ivan Intake", onboarding.Title);
        Assert.Equal([hana], await app.InDatabaseAsync(db => db.TaskResponsibles.Where(r => r.TaskId == onboarding.Id).Select(r => r.UserId).ToListAsync()));
        Assert.False((await RunsAsync(admin, rule)).EnumerateArray().Single(r => r.GetProperty("recordKey").GetString() == robot.ToString()).GetProperty("matched").GetBoolean());

        // Try on a user: the rule's own evaluation, on the user's creation, nothing done.
        var tried = await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", $$"""{"userId":"{{ivan}}"}""");
        Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
        var outcome = await tried.ReadJsonAsync();
        Assert.True(outcome.GetProperty("evaluation").GetProperty("matched").GetBoolean());
        Assert.Contains("created", outcome.GetProperty("triedAgainst").GetString(), StringComparison.Ordinal);
        Assert.Equal("Ivan Intake", outcome.GetProperty("values").GetProperty("fullName").GetString());
        Assert.Contains("mentioning Ivan Intake", outcome.GetProperty("actions")[0].GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Tasks.CountAsync(t => t.Title.StartsWith("Onboard "))));
        // The rule's page tries it on a user by the ID in the address of their page.
        var (_, page) = await admin.GetPageAsync($"/admin/automation/{rule}");
        Assert.Contains("A user is created", page.QuerySelector("#rule")!.TextContent, StringComparison.Ordinal);
        var (_, triedPage) = await admin.FollowAsync(await admin.SubmitAsync(page, new() { ["RecordId"] = ivan.ToString() }, "#try"));
        Assert.Contains("mentioning Ivan Intake", triedPage.QuerySelector("#try-outcome")!.TextContent, StringComparison.Ordinal);
        var byNumber = await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", """{"recordId":5}""");
        Assert.Equal(HttpStatusCode.BadRequest, byNumber.StatusCode);
        Assert.Contains("ID of a user", (await byNumber.ReadJsonAsync()).GetProperty("errors").GetProperty("userId")[0].GetString(), StringComparison.Ordinal);

        // "User deactivated": notifies the HR role.
        var deactivation = (await (await admin.PostJsonAsync("/api/v1/automation/templates/user-deactivated", "{}")).ReadJsonAsync()).GetProperty("id").GetGuid();
        var notify = (await (await admin.Http.GetAsync($"/api/v1/automation/rules/{deactivation}")).ReadJsonAsync()).GetProperty("actions")[0];
        Assert.Equal("role", notify.GetProperty("recipients").GetString());
        Assert.Equal(hr, notify.GetProperty("roleId").GetInt32());

        // Refusals, each on its field, and no rule saved.
        var before = await app.InDatabaseAsync(db => db.Set<Crm.Web.Features.Automation.AutomationRule>().CountAsync());
        object Rule(string trigger, object condition, object action, string? triggerField = null) => new
        {
            name = "Bad", module = "users", trigger, triggerField, automationUserId = adminId,
            conditions = new { match = "all", groups = new[] { new { match = "all", conditions = new[] { condition } } } },
            actions = new[] { action },
        };
        var ok = new { field = "fullName", @operator = "contains", value = "a" };
        var task = new { kind = "create-task", responsible = "manager", title = "Hi {{fullName}}" };
        async Task<JsonElement> RefusedAsync(object body)
        {
            var response = await admin.PostJsonAsync("/api/v1/automation/rules", JsonSerializer.Serialize(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.ReadJsonAsync()).GetProperty("errors");
        }

        Assert.Contains("Rules cannot set fields of users", (await RefusedAsync(Rule("created", ok, new { kind = "set-field", field = "fullName", value = "X" })))
            .GetProperty("actions[0].kind")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("\"salary\" is not a field of users", (await RefusedAsync(Rule("created", new { field = "salary", @operator = "equals", value = "1" }, task)))
            .GetProperty("conditions.groups[0].conditions[0].field")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("A user has no owner", (await RefusedAsync(Rule("created", ok, new { kind = "notify", recipients = "owner", title = "x" })))
            .GetProperty("actions[0].recipients")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("deactivated", (await RefusedAsync(Rule("deleted", ok, task))).GetProperty("trigger")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("{{salary}} is not a field of users", (await RefusedAsync(Rule("created", ok, new { kind = "notify", recipients = "manager", title = "{{salary}}" })))
            .GetProperty("actions[0].title")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("reactivated", (await RefusedAsync(Rule("event", ok, task, triggerField: "converted"))).GetProperty("triggerField")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await app.InDatabaseAsync(db => db.Set<Crm.Web.Features.Automation.AutomationRule>().CountAsync()));
    }

    [Fact]
    public async Task A_rule_whose_automation_user_may_not_see_users_learns_nothing_about_them()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var (executive, _) = await RolesAsync(app);
        // An executive sees all CRM data but, not being an administrator, no user's account.
        var viewer = await CreateUserAsync(admin, new { email = "viewer@crm.test", fullName = "Vera Viewer", roleId = executive });
        await SettleAsync(app);
        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Blind", module = "users", trigger = "created", enabled = true, automationUserId = viewer,
            actions = new object[] { new { kind = "notify", recipients = "user", userId = adminId, title = "New: {{fullName}} {{email}}" } },
        }));

        var newcomer = await CreateUserAsync(admin, new { email = "newcomer@crm.test", fullName = "Nick Newcomer", roleId = executive });
        await SettleAsync(app);
        var run = Assert.Single((await RunsAsync(admin, rule)).EnumerateArray());
        Assert.False(run.GetProperty("matched").GetBoolean());
        Assert.False(run.GetProperty("steps").GetProperty("visible").GetBoolean());
        Assert.Empty(run.GetProperty("actions").EnumerateArray());
        Assert.False(await app.InDatabaseAsync(db => db.Notifications.AnyAsync(n => n.Title.StartsWith("New:"))));

        var tried = await (await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", $$"""{"userId":"{{newcomer}}"}""")).ReadJsonAsync();
        Assert.False(tried.GetProperty("evaluation").GetProperty("visible").GetBoolean());
        Assert.False(tried.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object);
        Assert.DoesNotContain("newcomer@crm.test", tried.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rules_list_shows_a_scheduled_rules_time()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Morning round", module = "tasks", trigger = "schedule", triggerTime = "08:00", automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "Open: {{title}}" } },
        }));

        var (_, page) = await admin.GetPageAsync("/admin/automation");
        Assert.Equal("tasks · schedule 08:00", page.QuerySelector("#rules tbody tr td")!.TextContent.Trim());
    }

    private static async Task<(int Executive, int Hr)> RolesAsync(CrmApp app) =>
        (await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Executive").Select(r => r.Id).SingleAsync()),
         await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "HR").Select(r => r.Id).SingleAsync()));

    private static async Task<int> DepartmentAsync(PageClient admin, string name)
    {
        var response = await admin.PostJsonAsync("/api/v1/departments", JsonSerializer.Serialize(new { name }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    private static async Task<Guid> CreateUserAsync(PageClient admin, object user)
    {
        var response = await admin.Http.PostAsJsonAsync("/api/v1/users", user);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }
}
