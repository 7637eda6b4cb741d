using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Tasks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Automation.AutomationKit;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Automation;

/// <summary>
/// Scheduled rules ("every day at 11:00 in the organisation's time zone"): run at their time and not
/// before, over the records the automation user may view that match the conditions, once per record
/// and day however many instances run the job or restart, catching up on missed days only within
/// the window, and previewed and tried through the evaluation the job runs.
/// </summary>
public sealed class ScheduleTriggerTests
{
    private static readonly string[] s_open = ["open", "in-progress"];

    [Fact]
    public async Task Open_tasks_past_their_due_date_notify_their_owner_at_eleven_in_paris_once_per_task_and_day_across_two_instances_and_a_restart()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        await TimeZoneAsync(admin, "Europe/Paris");

        // The automation user sees only its own tasks; the clock stands at 09:00 UTC, 10:00 in Paris.
        var role = await RoleAsync(app, "Task robot", null, AssignRecordsTo.AnyUser, [.. PermissionAction.Standard.Select(a => (CrmModules.Tasks.Key, a, Scope.Own))]);
        var robot = await UserAsync(app, "task.robot@crm.test", role);
        var robotClient = await app.SignInAsync("task.robot@crm.test", Password);
        var today = new DateOnly(2026, 11, 22);
        var overdue = await TaskAsync(robotClient, "Send the quote", today.AddDays(-2));
        var done = await TaskAsync(robotClient, "Done already", today.AddDays(-3));
        await app.InDatabaseAsync(db => db.Tasks.Where(t => t.Id == done).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TaskState.Done)));
        var notYetDue = await TaskAsync(robotClient, "Not yet due", today.AddDays(1));
        var hidden = await TaskAsync(admin, "Someone else's overdue task", today.AddDays(-2));

        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Overdue tasks → notify the owner", module = "tasks", trigger = "schedule", triggerTime = "11:00", enabled = true, automationUserId = robot.Id,
            conditions = new
            {
                match = "all",
                groups = new[] { new { match = "all", conditions = new object[] { new { field = "status", @operator = "in-list", values = s_open }, new { field = "dueDate", @operator = "before", value = "0" } } } },
            },
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "Overdue: {{title}}" } },
        }));
        var read = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{rule}")).ReadJsonAsync();
        Assert.Equal(("schedule", "11:00"), (read.GetProperty("trigger").GetString(), read.GetProperty("triggerTime").GetString()));

        // The preview walks and evaluates the records as the job will: only the robot's open overdue task, today at 11:00.
        var next = Assert.Single((await (await admin.Http.GetAsync($"/api/v1/automation/rules/{rule}/upcoming")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal((overdue, "2026-11-22", "11:00:00"), (next.GetProperty("recordId").GetInt32(), next.GetProperty("dueOn").GetString(), next.GetProperty("dueAt").GetString()));

        // "Try on record" explains it: the schedule in words, the conditions on the overdue task, the hidden task not visible.
        var tried = await (await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", $$"""{"recordId":{{overdue}}}""")).ReadJsonAsync();
        Assert.Contains("every day at 11:00", tried.GetProperty("triedAgainst").GetString(), StringComparison.Ordinal);
        Assert.Equal("The rule runs every day at 11:00 in the organisation's time zone over the records of tasks that match.", tried.GetProperty("evaluation").GetProperty("explanation").GetString());
        Assert.True(tried.GetProperty("evaluation").GetProperty("matched").GetBoolean());
        var triedHidden = await (await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/try", $$"""{"recordId":{{hidden}}}""")).ReadJsonAsync();
        Assert.False(triedHidden.GetProperty("evaluation").GetProperty("visible").GetBoolean());
        Assert.False(triedHidden.GetProperty("evaluation").GetProperty("matched").GetBoolean());

        // The rule's page says when it runs and lists the next firing.
        var (_, page) = await admin.GetPageAsync($"/admin/automation/{rule}");
        Assert.Contains("Every day at 11:00 in the organisation's time zone, over the records of tasks that match", page.QuerySelector("#rule")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Send the quote", page.QuerySelector("#upcoming")!.TextContent, StringComparison.Ordinal);

        // 10:59 in Paris: not yet.
        app.Clock.Advance(TimeSpan.FromMinutes(59));
        await FireAsync(app);
        Assert.Empty(await FiredAsync(app, rule));

        // 11:00 in Paris: a second instance on the same database runs the job at the same moment; the task fires once.
        await using (var second = OnSameDatabase(app))
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            second.Clock.Advance(app.Clock.GetUtcNow() - second.Clock.GetUtcNow());
            await Task.WhenAll(FireAsync(app), FireAsync(second));
        }

        Assert.Equal([overdue], await FiredAsync(app, rule));
        Assert.Equal(1, await RunCountAsync(app, rule, overdue));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<AutomationRun>().CountAsync(r => r.RuleId == rule && r.RecordId != overdue)));

        // A restarted instance later the same day, and the job's next passes, fire nothing more.
        await using (var restarted = OnSameDatabase(app))
        {
            restarted.Clock.Advance(app.Clock.GetUtcNow() + TimeSpan.FromHours(2) - restarted.Clock.GetUtcNow());
            await FireAsync(restarted);
        }

        app.Clock.Advance(TimeSpan.FromHours(3));
        await FireAsync(app);
        Assert.Equal(1, await RunCountAsync(app, rule, overdue));
        await SettleAsync(app);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Notifications.CountAsync(n => n.UserId == robot.Id && n.Title == "Overdue: Send the quote")));
        Assert.False(await app.InDatabaseAsync(db => db.Notifications.AnyAsync(n => n.Title == "Overdue: Someone else's overdue task" || n.Title == "Overdue: Done already" || n.Title == "Overdue: Not yet due")));

        // The next day at 11:00 in Paris the task, still overdue, fires again: once a day. The task due yesterday joins it.
        app.Clock.Advance(TimeSpan.FromHours(21) - TimeSpan.FromMinutes(1));
        await FireAsync(app);
        Assert.Equal(1, await RunCountAsync(app, rule, overdue));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await FireAsync(app);
        await FireAsync(app);
        Assert.Equal(2, await RunCountAsync(app, rule, overdue));
        Assert.Equal(0, await RunCountAsync(app, rule, notYetDue)); // due on the 23rd: before today only from the 24th
        admin = await app.SignInAsAdminAsync();
        var run = (await RunsAsync(admin, rule)).EnumerateArray().First();
        Assert.Equal("schedule", run.GetProperty("trigger").GetString());
        Assert.True(run.GetProperty("matched").GetBoolean());
    }

    [Fact]
    public async Task A_scheduler_down_for_ten_days_catches_up_on_the_last_seven_and_a_rule_saved_after_its_time_waits_for_the_next_day()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var day0 = new DateOnly(2026, 11, 22); // the clock stands at 09:00 UTC, the organisation's zone
        var task = await TaskAsync(admin, "Chase the invoice", day0.AddDays(-1));
        string Rule(string name, string time) => JsonSerializer.Serialize(new
        {
            name, module = "tasks", trigger = "schedule", triggerTime = time, enabled = true, automationUserId = adminId,
            conditions = new { match = "all", groups = new[] { new { match = "all", conditions = new object[] { new { field = "dueDate", @operator = "before", value = "0" } } } } },
            actions = new object[] { new { kind = "notify", recipients = "owner", title = $"{name}: {{{{title}}}}" } },
        });
        var ten = await CreateRuleAsync(admin, Rule("At ten", " 10:00 ")); // spaces around the time are forgiven
        var eight = await CreateRuleAsync(admin, Rule("At eight", "08:00"));

        // Saved at 09:00: the rule at 08:00 does not run today's 08:00, only tomorrow's; its preview says so.
        var next = Assert.Single((await (await admin.Http.GetAsync($"/api/v1/automation/rules/{eight}/upcoming")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal(("2026-11-23", "08:00:00"), (next.GetProperty("dueOn").GetString(), next.GetProperty("dueAt").GetString()));
        app.Clock.Advance(TimeSpan.FromHours(1));
        await FireAsync(app);
        Assert.Equal([day0], await DaysAsync(app, ten, task));
        Assert.Empty(await DaysAsync(app, eight, task));

        // Down from then until day 10 at 12:00: days 3 to 10 are run (7 days back and today), days 1 and 2 are too old.
        app.Clock.Advance(TimeSpan.FromDays(10) + TimeSpan.FromHours(2));
        await FireAsync(app);
        await FireAsync(app);
        Assert.Equal([day0, .. Enumerable.Range(3, 8).Select(d => day0.AddDays(d))], await DaysAsync(app, ten, task));
        Assert.Equal([.. Enumerable.Range(3, 8).Select(d => day0.AddDays(d))], await DaysAsync(app, eight, task));
        Assert.Equal(9, await RunCountAsync(app, ten, task));
    }

    [Fact]
    public async Task A_module_larger_than_one_batch_is_walked_to_its_end_and_the_day_is_then_done()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var count = ScheduleSweep.Batch + 7;
        await app.InDatabaseAsync(db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            db.Tasks.AddRange(Enumerable.Range(1, count).Select(i => new CrmTask
            {
                Title = $"Bulk {i}", OwnerId = adminId, CreatedAt = now, ModifiedAt = now, Version = 1, DueDate = new DateOnly(2026, 11, 1),
            }));
            return db.SaveChangesAsync();
        });
        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Every bulk task", module = "tasks", trigger = "schedule", triggerTime = "09:30", enabled = true, automationUserId = adminId,
            conditions = new { match = "all", groups = new[] { new { match = "all", conditions = new object[] { new { field = "title", @operator = "contains", value = "Bulk" } } } } },
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "{{title}}" } },
        }));

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await FireAsync(app);
        Assert.Equal(count, (await FiredAsync(app, rule)).Count);
        Assert.Equal([new DateOnly(2026, 11, 22)], await DaysAsync(app, rule, FireScheduledRules.DayDone));

        // A task added after the day's run waits for the next day: the day is done.
        await TaskAsync(admin, "Bulk latecomer", new DateOnly(2026, 11, 1));
        await FireAsync(app);
        Assert.Equal(count, (await FiredAsync(app, rule)).Count);
    }

    [Theory]
    [InlineData("""{"module":"tasks","trigger":"schedule"}""", "triggerTime", "Give the time of day the rule runs, as HH:MM")]
    [InlineData("""{"module":"tasks","trigger":"schedule","triggerTime":"8am"}""", "triggerTime", "\"8am\" is not a time of day")]
    [InlineData("""{"module":"tasks","trigger":"schedule","triggerTime":"24:00"}""", "triggerTime", "from 00:00 to 23:59")]
    [InlineData("""{"module":"tasks","trigger":"schedule","triggerTime":"8:00"}""", "triggerTime", "HH:MM")]
    [InlineData("""{"module":"tasks","trigger":"schedule","triggerTime":"08:00","triggerField":"dueDate"}""", "triggerField", "leave the field empty")]
    [InlineData("""{"module":"tasks","trigger":"schedule","triggerTime":"08:00","triggerValue":"x"}""", "triggerValue", "leave it empty")]
    [InlineData("""{"module":"tasks","trigger":"created","triggerTime":"08:00"}""", "triggerTime", "Only a scheduled rule runs at a time of day.")]
    [InlineData("""{"module":"tasks","trigger":"schedule","triggerTime":"08:00","conditions":{"match":"all","groups":[{"match":"all","conditions":[{"field":"status","operator":"changed"}]}]}}""",
        "conditions.groups[0].conditions[0].operator", "A scheduled rule looks at records as they are")]
    public async Task A_scheduled_rule_that_cannot_work_is_refused_on_its_field_and_nothing_is_saved(string part, string field, string message)
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(part)!;
        body["name"] = JsonSerializer.SerializeToElement("Bad schedule");
        body["automationUserId"] = JsonSerializer.SerializeToElement(await app.AdminIdAsync());
        body["actions"] = JsonSerializer.SerializeToElement(new object[] { new { kind = "notify", recipients = "owner", title = "Hello" } });
        var response = await admin.PostJsonAsync("/api/v1/automation/rules", JsonSerializer.Serialize(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await response.FieldErrorsAsync(field), m => m.Contains(message, StringComparison.Ordinal));
        Assert.False(await app.InDatabaseAsync(db => db.Set<AutomationRule>().AnyAsync()));
    }

    [Fact]
    public async Task The_rule_form_takes_a_time_of_day_names_a_bad_one_on_its_field_and_keeps_it_when_editing()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        Dictionary<string, string> Form(string time) => new()
        {
            ["Input.Name"] = "Overdue tasks every morning", ["Input.Module"] = "tasks", ["Input.Trigger"] = "schedule", ["Input.TriggerTime"] = time,
            ["Input.AutomationUserId"] = adminId.ToString(),
            ["Input.Conditions"] = """{"match":"all","groups":[{"match":"all","conditions":[{"field":"dueDate","operator":"before","value":"0"}]}]}""",
            ["Input.Actions"] = """[{"kind":"notify","recipients":"owner","title":"Overdue: {{title}}"}]""",
        };

        var (_, refused) = await admin.FollowAsync(await admin.SubmitAsync("/admin/automation/new", Form("25:00"), "#rule-form"));
        Assert.StartsWith("\"25:00\" is not a time of day", refused.FieldError("Input.TriggerTime"), StringComparison.Ordinal);
        Assert.False(await app.InDatabaseAsync(db => db.Set<AutomationRule>().AnyAsync()));

        var saved = await admin.SubmitAsync("/admin/automation/new", Form(" 07:30 "), "#rule-form");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var rule = await app.InDatabaseAsync(db => db.Set<AutomationRule>().AsNoTracking().SingleAsync());
        Assert.Equal(("schedule", new TimeOnly(7, 30)), (rule.Trigger, rule.TriggerTime));
        var (_, edit) = await admin.GetPageAsync($"/admin/automation/{rule.Id}/edit");
        Assert.Equal("07:30", edit.QuerySelector("#Input_TriggerTime")!.GetAttribute("value"));
    }

    private static async Task TimeZoneAsync(PageClient admin, string zone)
    {
        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/localisation", new
        {
            defaultLanguage = "en", timeZone = zone, dateFormat = "DD/MM/YYYY", thousandsSeparator = ",", decimalSeparator = ".",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
    }

    private static async Task<int> TaskAsync(PageClient client, string title, DateOnly due)
    {
        var response = await client.PostJsonAsync("/api/v1/tasks", JsonSerializer.Serialize(new { title, dueDate = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>Another instance of the CRM on the same database (its own engine off, its own clock), as a second server or a restarted one.</summary>
    private static CrmApp OnSameDatabase(CrmApp app) => App().With("ConnectionStrings:Crm", app.Database.ConnectionString);

    /// <summary>One pass of the schedule job, as the scheduler runs it: in a scope of its own.</summary>
    private static async Task FireAsync(CrmApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FireScheduledRules>().RunAsync(CancellationToken.None);
    }

    private static Task<List<int>> FiredAsync(CrmApp app, Guid rule) =>
        app.InDatabaseAsync(db => db.Set<AutomationOccurrence>().Where(o => o.RuleId == rule && o.RecordId != FireScheduledRules.DayDone)
            .Select(o => o.RecordId).Distinct().OrderBy(id => id).ToListAsync());

    private static Task<List<DateOnly>> DaysAsync(CrmApp app, Guid rule, int record) =>
        app.InDatabaseAsync(db => db.Set<AutomationOccurrence>().Where(o => o.RuleId == rule && o.RecordId == record).Select(o => o.FieldDate).OrderBy(d => d).ToListAsync());

    private static Task<int> RunCountAsync(CrmApp app, Guid rule, int record) =>
        app.InDatabaseAsync(db => db.Set<AutomationRun>().CountAsync(r => r.RuleId == rule && r.RecordId == record));
}
