using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>"Today" for a rule is the organisation's day, in the time zone of its settings, not UTC's.</summary>
public sealed class OrganisationTodayTests
{
    [Fact]
    public async Task A_task_due_today_is_due_on_the_organisations_day_when_utc_is_already_on_the_next()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/localisation", new
        {
            defaultLanguage = "en", timeZone = "Pacific/Honolulu", dateFormat = "DD/MM/YYYY", thousandsSeparator = ",", decimalSeparator = ".",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var now = app.Clock.GetUtcNow();
        var honolulu = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Pacific/Honolulu")).DateTime);
        Assert.NotEqual(DateOnly.FromDateTime(now.UtcDateTime), honolulu); // the test's clock stands where the two days differ

        await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Call back today", module = "leads", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "create-task", responsible = "owner", title = "Call {{lastName}}", dueInDays = 0 } },
        }));
        var lead = await CreateLeadAsync(admin, """{"firstName":"Kai","lastName":"Akana"}""");
        await SettleAsync(app);

        var task = await app.InDatabaseAsync(db => db.Tasks.SingleAsync(t => t.RelatedModule == "leads" && t.RelatedId == lead));
        Assert.Equal(honolulu, task.DueDate);
    }
}
