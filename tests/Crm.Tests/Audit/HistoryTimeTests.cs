using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Audit;

/// <summary>History, deleted objects and the activity log show times in the reader's time zone and the organisation's date format.</summary>
public sealed class HistoryTimeTests
{
    [Fact]
    public async Task Times_are_shifted_into_the_readers_zone_and_written_in_the_date_format()
    {
        await using var app = new CrmApp();
        // The test clock says 2026-11-22 09:00 UTC: 04:00 in New York, 18:00 in Tokyo.
        await app.InDatabaseAsync(async db =>
        {
            db.InstanceSettings.Add(new InstanceSettings { DateFormat = "DD/MM/YYYY", TimeZone = "UTC" });
            var admin = await db.Users.SingleAsync(u => u.Email == CrmApp.AdminEmail);
            admin.TimeZone = "America/New_York";
            return await db.SaveChangesAsync();
        });
        var tokyo = await app.CreateUserAsync("tokyo@crm.test", "tokyo password 1234", administrator: true);
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == tokyo.Id)).TimeZone = "Asia/Tokyo";
            return await db.SaveChangesAsync();
        });

        using var admin = await app.SignInAsAdminAsync();
        var created = await admin.PostJsonAsync("/api/v1/companies", """{"name":"Acme"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();

        var (response, history) = await admin.GetPageAsync($"/history/companies/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var when = history.QuerySelector("#history > tbody > tr td")!.TextContent.Trim();
        Assert.Equal("22/11/2026 04:00:00", when);
        Assert.Contains("America/New_York", history.QuerySelector("#history thead")!.TextContent, StringComparison.Ordinal);

        // The API keeps UTC.
        var api = await (await admin.Http.GetAsync($"/api/v1/companies/{id}/history")).ReadJsonAsync();
        Assert.Equal("2026-11-22 09:00:00 UTC", api.GetProperty("items")[0].GetProperty("when").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/companies/{id}")).StatusCode);
        Assert.True(await app.InDatabaseAsync(db => db.AuditEntries.AnyAsync(e => e.EntityType == "companies" && e.Action == "deleted")));

        using var other = await app.SignInAsync("tokyo@crm.test", "tokyo password 1234");
        var (deletedResponse, deleted) = await other.GetPageAsync("/admin/deleted?type=companies");
        Assert.Equal(HttpStatusCode.OK, deletedResponse.StatusCode);
        Assert.Equal("22/11/2026 18:00:00", deleted.QuerySelector("#deleted > tbody > tr td")!.TextContent.Trim());
        var (_, activity) = await other.GetPageAsync("/admin/activity");
        Assert.Contains("22/11/2026 18:00:00", activity.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Date_filters_mean_the_readers_days()
    {
        await using var app = new CrmApp();
        var tokyo = await app.CreateUserAsync("tokyo@crm.test", "tokyo password 1234", administrator: true);
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == tokyo.Id)).TimeZone = "Asia/Tokyo";
            return await db.SaveChangesAsync();
        });

        // 2026-11-22 20:00 UTC is already 2026-11-23 05:00 in Tokyo.
        app.Clock.Advance(TimeSpan.FromHours(11));
        using var admin = await app.SignInAsAdminAsync();
        var created = await admin.PostJsonAsync("/api/v1/companies", """{"name":"Late Acme"}""");
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/companies/{id}")).StatusCode);

        using var reader = await app.SignInAsync("tokyo@crm.test", "tokyo password 1234");
        async Task<int> Rows(string page, string table, string day) =>
            (await reader.GetPageAsync($"{page}&from={day}&to={day}")).Document.QuerySelectorAll($"#{table} > tbody > tr").Length;
        Assert.Equal(1, await Rows("/admin/deleted?type=companies", "deleted", "2026-11-23"));
        Assert.Equal(0, await Rows("/admin/deleted?type=companies", "deleted", "2026-11-22"));

        // The reader's own sign-in, at 05:00 on the 23rd in Tokyo, is on the 23rd of the activity log.
        Assert.True(await Rows($"/admin/activity?user={tokyo.Id}", "activity", "2026-11-23") >= 1);
        Assert.Equal(0, await Rows($"/admin/activity?user={tokyo.Id}", "activity", "2026-11-22"));
    }
}
