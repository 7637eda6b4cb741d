using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Audit;

/// <summary>The activity log for administrators: filters, IP/UA/request id, and the weekly review's flags.</summary>
public sealed class ActivityLogTests
{
    private static async Task<List<JsonElement>> ItemsAsync(PageClient client, string query)
    {
        var response = await client.Http.GetAsync("/api/v1/activity" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray()];
    }

    private static List<string> Flags(JsonElement item) => [.. item.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)];

    [Fact]
    public async Task Sign_ins_carry_ip_agent_and_request_id_and_are_flagged_outside_business_hours_and_from_new_addresses()
    {
        // The test clock says Sunday 09:00 UTC: outside the default Monday–Friday hours.
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var signIns = await ItemsAsync(admin, "?kind=sign-in");
        var first = Assert.Single(signIns);
        Assert.Equal("127.0.0.1", first.GetProperty("ipAddress").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("requestId").GetString()));
        Assert.Equal([ActivityFlags.OutsideBusinessHours, ActivityFlags.NewIp], Flags(first));

        await app.SignInAsAdminAsync();
        signIns = await ItemsAsync(admin, "?kind=sign-in");
        Assert.Equal([ActivityFlags.OutsideBusinessHours], Flags(signIns[0])); // the address is known now
        Assert.Equal(2, (await ItemsAsync(admin, "?flaggedOnly=true&kind=sign-in")).Count);
        Assert.Empty(await ItemsAsync(admin, "?ip=10.0.0.9"));
        Assert.Equal(2, (await ItemsAsync(admin, "?ip=127.0.0.1&kind=sign-in")).Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/activity?cursor=x")).StatusCode);

        // Paging: one at a time, newest first.
        var page = await (await admin.Http.GetAsync("/api/v1/activity?kind=sign-in&pageSize=1")).ReadJsonAsync();
        var next = page.GetProperty("nextCursor").GetString();
        var older = await ItemsAsync(admin, $"?kind=sign-in&pageSize=1&cursor={next}");
        Assert.True(older[0].GetProperty("id").GetInt64() < page.GetProperty("items")[0].GetProperty("id").GetInt64());

        var (response, document) = await admin.GetPageAsync("/admin/activity?flagged=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(document.QuerySelector("[data-flag='new-ip']"));
    }

    [Fact]
    public async Task Business_hours_follow_the_configured_time_zone_and_days()
    {
        await using var app = new CrmApp()
            .With("Audit:BusinessHours:Start", "08:00").With("Audit:BusinessHours:End", "18:00")
            .With("Audit:BusinessHours:Days", "Saturday,Sunday").With("Audit:BusinessHours:TimeZone", "Europe/Bucharest");
        var admin = await app.SignInAsAdminAsync();
        Assert.DoesNotContain(ActivityFlags.OutsideBusinessHours, Flags((await ItemsAsync(admin, "?kind=sign-in"))[0]));
    }

    [Fact]
    public async Task Many_deletions_by_one_user_in_a_short_time_are_flagged_and_the_log_is_for_administrators_only()
    {
        await using var app = new CrmApp().With("Audit:MassDeletion:Count", "2").With("Audit:MassDeletion:Minutes", "10");
        var sales = await DepartmentAsync(app, "Sales");
        var role = await RoleAsync(app, "Seller", null, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        var seller = await UserAsync(app, "seller@crm.test", role, sales);
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CompanyAsync(app, $"C{i}", seller.Id, sales));
        }

        var client = await app.SignInAsync("seller@crm.test", Password);
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.Http.DeleteAsync($"/api/v1/companies/{id}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/api/v1/activity")).StatusCode);
        var admin = await app.SignInAsAdminAsync();
        var deletions = await ItemsAsync(admin, $"?kind=company-deleted&userId={seller.Id}");
        Assert.Equal(3, deletions.Count);
        Assert.All(deletions, d => Assert.Contains(ActivityFlags.MassDeletion, Flags(d)));

        // Much later, one more deletion is not part of a burst.
        app.Clock.Advance(TimeSpan.FromHours(1));
        var late = await CompanyAsync(app, "Late", seller.Id, sales);
        Assert.Equal(HttpStatusCode.NoContent, (await client.Http.DeleteAsync($"/api/v1/companies/{late}")).StatusCode);
        Assert.Empty(Flags((await ItemsAsync(admin, "?kind=company-deleted"))[0]));
    }
}
