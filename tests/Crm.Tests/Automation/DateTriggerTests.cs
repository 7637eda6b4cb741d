using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>
/// Rules timed on a date: due by the organisation's day, fired once per record and date however
/// many instances run the job, again when the date moves, catching up on missed days only within
/// the window, and previewed by the query the job fires from.
/// </summary>
public sealed class DateTriggerTests
{
    [Fact]
    public async Task A_rule_seven_days_before_expected_close_fires_once_per_deal_and_date_catches_up_within_its_window_and_previews_its_firings()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var t0 = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Closing in a week", module = "deals", trigger = "date-reached", triggerField = "expectedClose", triggerOffsetDays = -7,
            enabled = true, automationUserId = adminId,
            conditions = new { match = "all", groups = new[] { new { match = "all", conditions = new object[] { new { field = "isOpen", @operator = "equals", value = "true" } } } } },
            actions = new object[] { new { kind = "create-task", responsible = "owner", title = "Closing soon: {{title}}", dueInDays = 0 } },
        }));

        var dueToday = await DealAsync(admin, "Due today", t0.AddDays(7));
        var dueTomorrow = await DealAsync(admin, "Due tomorrow", t0.AddDays(8));
        var missedBeforeTheRule = await DealAsync(admin, "Missed before the rule", t0.AddDays(3));
        var dueInTwoDaysIfLost = await DealAsync(admin, "Lost already", t0.AddDays(9), stage: "lost");
        var missedTooLongAgo = await DealAsync(admin, "Missed too long ago", t0.AddDays(10));
        var caughtUp = await DealAsync(admin, "Caught up", t0.AddDays(18));
        var later = await DealAsync(admin, "Later", t0.AddDays(30));

        // The preview lists, in order of due day, what the job would fire: not what fell due before the rule was saved.
        var upcoming = await admin.Http.GetAsync($"/api/v1/automation/rules/{rule}/upcoming");
        Assert.Equal(HttpStatusCode.OK, upcoming.StatusCode);
        var firings = (await upcoming.ReadJsonAsync()).EnumerateArray().Select(f => (Id: f.GetProperty("recordId").GetInt32(), DueOn: f.GetProperty("dueOn").GetString())).ToList();
        Assert.Equal(new[] { dueToday, dueTomorrow, dueInTwoDaysIfLost, missedTooLongAgo, caughtUp, later }, firings.Select(f => f.Id));
        Assert.Equal($"{t0:yyyy-MM-dd}", firings[0].DueOn);

        await FireAsync(app);
        await FireAsync(app); // a second pass the same day fires nothing more
        Assert.Equal(new[] { dueToday }, await FiredAsync(app, rule));
        await SettleAsync(app);
        Assert.Equal("Closing soon: Due today", await app.InDatabaseAsync(db => db.Tasks.Where(t => t.RelatedModule == "deals" && t.RelatedId == dueToday).Select(t => t.Title).SingleAsync()));

        // Next day, two instances run the job at once: the deal due fires once.
        app.Clock.Advance(TimeSpan.FromDays(1));
        await Task.WhenAll(FireAsync(app), FireAsync(app));
        Assert.Equal(new[] { dueToday, dueTomorrow }, await FiredAsync(app, rule));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Set<AutomationRun>().CountAsync(r => r.RuleId == rule && r.RecordId == dueTomorrow)));

        // The date moves: a new occurrence, fired when its day comes.
        await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == dueTomorrow).ExecuteUpdateAsync(s => s.SetProperty(d => d.ExpectedClose, t0.AddDays(16))));

        // The scheduler is down for 11 days: on day 12 the job catches up on 7 days, not more.
        app.Clock.Advance(TimeSpan.FromDays(11));
        await FireAsync(app);
        admin = await app.SignInAsAdminAsync();
        var fired = await FiredAsync(app, rule);
        Assert.Contains(caughtUp, fired); // due on day 11
        Assert.Contains(dueTomorrow, fired); // its new date, due on day 9
        Assert.DoesNotContain(missedTooLongAgo, fired); // due on day 3, nine days ago
        Assert.DoesNotContain(missedBeforeTheRule, fired);
        Assert.DoesNotContain(later, fired);
        Assert.Equal(2, await app.InDatabaseAsync(db => db.Set<AutomationOccurrence>().CountAsync(o => o.RuleId == rule && o.RecordId == dueTomorrow)));

        // A lost deal was due too (day 2, outside the window now) and would not have matched: its run would say so.
        Assert.DoesNotContain(dueInTwoDaysIfLost, fired);
        await SettleAsync(app);
        var runs = (await RunsAsync(admin, rule)).EnumerateArray().ToList();
        Assert.All(runs, r => Assert.Equal("date-reached", r.GetProperty("trigger").GetString()));
        Assert.Contains(runs, r => r.GetProperty("steps").GetProperty("trigger").GetString()!.Contains("7 days before Expected close", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lost_deal_is_evaluated_on_its_day_and_does_not_match_and_the_shipped_template_makes_a_disabled_date_rule()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var made = await admin.PostJsonAsync("/api/v1/automation/templates/deal-closing", "{}");
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var rule = (await made.ReadJsonAsync()).GetProperty("id").GetGuid();
        var read = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{rule}")).ReadJsonAsync();
        Assert.Equal("date-reached", read.GetProperty("trigger").GetString());
        Assert.Equal(-7, read.GetProperty("triggerOffsetDays").GetInt32());
        Assert.False(read.GetProperty("enabled").GetBoolean());

        var t0 = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var lost = await DealAsync(admin, "Lost", t0.AddDays(7), stage: "lost");
        var open = await DealAsync(admin, "Open", t0.AddDays(7));
        await FireAsync(app);
        Assert.Empty(await FiredAsync(app, rule)); // disabled: nothing fires

        Assert.True((await admin.PostJsonAsync($"/api/v1/automation/rules/{rule}/enable", "{}")).IsSuccessStatusCode);
        await FireAsync(app);
        await SettleAsync(app);
        var runs = (await RunsAsync(admin, rule)).EnumerateArray().ToDictionary(r => r.GetProperty("recordId").GetInt32(), r => r.GetProperty("matched").GetBoolean());
        Assert.False(runs[lost]);
        Assert.True(runs[open]);
        Assert.Equal("Closing in 7 days: Open", await app.InDatabaseAsync(db => db.Tasks.Where(t => t.RelatedModule == "deals" && t.RelatedId == open).Select(t => t.Title).SingleAsync()));
        Assert.False(await app.InDatabaseAsync(db => db.Tasks.AnyAsync(t => t.RelatedModule == "deals" && t.RelatedId == lost)));

        // The rule's page shows the trigger in words and its next firings.
        var (_, page) = await admin.GetPageAsync($"/admin/automation/{rule}");
        Assert.Contains("7 days before Expected close of a record of deals", page.QuerySelector("#rule")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("#upcoming"));

        // Hours beside days: 4 hours before a deal's expected close is 20:00 the day before, fired once when that hour comes.
        var evening = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "The evening before", module = "deals", trigger = "date-reached", triggerField = "expectedClose", triggerOffsetHours = -4,
            enabled = true, automationUserId = await app.AdminIdAsync(),
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "Closing tomorrow: {{title}}" } },
        }));
        var tomorrow = await DealAsync(admin, "Tomorrow", t0.AddDays(1));
        var eveningRule = await (await admin.Http.GetAsync($"/api/v1/automation/rules/{evening}")).ReadJsonAsync();
        Assert.Equal((0, -4), (eveningRule.GetProperty("triggerOffsetDays").GetInt32(), eveningRule.GetProperty("triggerOffsetHours").GetInt32()));
        var next = (await (await admin.Http.GetAsync($"/api/v1/automation/rules/{evening}/upcoming")).ReadJsonAsync())[0];
        Assert.Equal((tomorrow, $"{t0:yyyy-MM-dd}", "20:00:00"), (next.GetProperty("recordId").GetInt32(), next.GetProperty("dueOn").GetString(), next.GetProperty("dueAt").GetString()));
        var start = app.Clock.GetUtcNow();
        app.Clock.Advance(new DateTimeOffset(t0.ToDateTime(new TimeOnly(19, 59)), TimeSpan.Zero) - start);
        await FireAsync(app);
        Assert.Empty(await FiredAsync(app, evening));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(FireAsync(app), FireAsync(app));
        await FireAsync(app);
        Assert.Equal([tomorrow], await FiredAsync(app, evening));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Set<AutomationRun>().CountAsync(r => r.RuleId == evening)));
        await SettleAsync(app);
        admin = await app.SignInAsAdminAsync();
        var run = Assert.Single((await RunsAsync(admin, evening)).EnumerateArray());
        Assert.Equal("The rule is due 4 hours before Expected close of this record.", run.GetProperty("steps").GetProperty("trigger").GetString());
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Notifications.CountAsync(n => n.Title == "Closing tomorrow: Tomorrow")));
    }

    [Theory]
    [InlineData("""{"module":"leads","trigger":"date-reached","triggerField":"createdAt"}""", "trigger", "no date a rule can be timed on")]
    [InlineData("""{"module":"deals","trigger":"date-reached","triggerField":"title"}""", "triggerField", "expectedClose")]
    [InlineData("""{"module":"deals","trigger":"date-reached","triggerField":"expectedClose","triggerOffsetDays":1000}""", "triggerOffsetDays", "at most 365 days")]
    [InlineData("""{"module":"deals","trigger":"date-reached","triggerField":"expectedClose","triggerValue":"x"}""", "triggerValue", "leave it empty")]
    [InlineData("""{"module":"deals","trigger":"created","triggerOffsetDays":3}""", "triggerOffsetDays", "Only a rule fired by a date")]
    [InlineData("""{"module":"deals","trigger":"date-reached","triggerField":"expectedClose","triggerOffsetHours":30}""", "triggerOffsetHours", "Count from -23 to 23 hours")]
    public async Task A_date_rule_that_cannot_work_is_refused_on_its_field_and_nothing_is_saved(string part, string field, string message)
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(part)!;
        body["name"] = JsonSerializer.SerializeToElement("Bad date rule");
        body["automationUserId"] = JsonSerializer.SerializeToElement(adminId);
        body["actions"] = JsonSerializer.SerializeToElement(new object[] { new { kind = "notify", recipients = "owner", title = "Hello" } });
        var response = await admin.PostJsonAsync("/api/v1/automation/rules", JsonSerializer.Serialize(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Contains(message, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.False(await app.InDatabaseAsync(db => db.Set<AutomationRule>().AnyAsync()));
    }

    private static async Task<int> DealAsync(PageClient admin, string title, DateOnly expectedClose, string stage = "proposal")
    {
        var response = await admin.PostJsonAsync("/api/v1/deals",
            JsonSerializer.Serialize(new
            {
                title, stage, currency = "EUR", amount = "1000", closingReason = stage == "lost" ? "Went elsewhere" : null,
                expectedClose = expectedClose.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>One pass of the date job, as the scheduler runs it: in a scope of its own.</summary>
    private static async Task FireAsync(CrmApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FireDateRules>().RunAsync(CancellationToken.None);
    }

    private static Task<List<int>> FiredAsync(CrmApp app, Guid rule) =>
        app.InDatabaseAsync(db => db.Set<AutomationOccurrence>().Where(o => o.RuleId == rule).Select(o => o.RecordId).Distinct().OrderBy(id => id).ToListAsync());
}
