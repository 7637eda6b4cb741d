using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.CustomFields;
using Crm.Web.Features.Roles;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Tests.CustomFields;

/// <summary>
/// Lists filtered by a custom field (issue 28): <c>cf.key=value</c> on every module's list page, list
/// API and export finds exactly the records holding the value, the page's links and export keep it;
/// a record out of the actor's scope never appears; an unknown, admin-only or bad filter is refused
/// with a message on its field (400 in the API), never a 500.
/// </summary>
public sealed class CustomFieldFilterTests(CustomFieldsApp app) : IClassFixture<CustomFieldsApp>
{
    private Task<int> RecordAsync(string module, string name, Guid owner) => app.RecordAsync(module, name, owner);

    private static async Task<List<int>> ApiIdsAsync(PageClient client, string address)
    {
        var response = await client.Http.GetAsync(address);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32())];
    }

    private static async Task<string> ExportAsync(PageClient client, string address)
    {
        var response = await client.Http.GetAsync(address);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    public static TheoryData<string> Modules() => [.. ReadableModules.All.Select(m => m.Key)];

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task A_select_filter_finds_exactly_the_matching_records_on_the_page_the_api_and_the_export_of_every_module(string module)
    {
        var admin = await app.SignInAsAdminAsync();
        var owner = await app.AdminIdAsync();
        var field = await CustomFieldsApp.FieldAsync(admin, module, "industryFilter", CustomFieldTypes.Select);
        var retail = await RecordAsync(module, $"Retail {module} one", owner);
        var banking = await RecordAsync(module, $"Banking {module} two", owner);
        await app.HoldAsync(module, field, retail, "Retail");
        await app.HoldAsync(module, field, banking, "Banking");

        // The page: only the matching record; the filter's select keeps the choice; the export link keeps the filter.
        var (_, page) = await admin.GetPageAsync($"/{module}?cf.industryFilter=retail");
        Assert.NotNull(page.QuerySelector($"main a[href='/{module}/{retail}']"));
        Assert.Null(page.QuerySelector($"main a[href='/{module}/{banking}']"));
        Assert.Equal("Retail", page.QuerySelector("select[name='cf.industryFilter'] option[selected]")?.GetAttribute("value"));
        Assert.Contains(page.QuerySelectorAll("a[href*='/export']"), a => a.GetAttribute("href")!.Contains("cf.industryFilter=Retail", StringComparison.Ordinal)
            || a.GetAttribute("href")!.Contains("cf.industryFilter=retail", StringComparison.Ordinal));

        // The API and the export alike.
        Assert.Equal([retail], await ApiIdsAsync(admin, $"/api/v1/{module}?cf.industryFilter=Retail"));
        Assert.Equal([banking], await ApiIdsAsync(admin, $"/api/v1/{module}?cf.industryFilter=Banking"));
        var csv = await ExportAsync(admin, $"/api/v1/{module}/export?format=csv&cf.industryFilter=Retail");
        Assert.Contains($"Retail {module} one", csv, StringComparison.Ordinal);
        Assert.DoesNotContain($"Banking {module} two", csv, StringComparison.Ordinal);

        // A value that is not a choice, an unknown key: a message on the filter's field, 400, on the page an error.
        var bad = await admin.Http.GetAsync($"/api/v1/{module}?cf.industryFilter=Oil");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("must be one of", Assert.Single(await bad.FieldErrorsAsync("cf.industryFilter")), StringComparison.Ordinal);
        var unknown = await admin.Http.GetAsync($"/api/v1/{module}/export?format=csv&cf.noSuchField=1");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.NotEmpty(await unknown.FieldErrorsAsync("cf.noSuchField"));
        var (_, refused) = await admin.GetPageAsync($"/{module}?cf.industryFilter=Oil");
        Assert.Contains("must be one of", refused.QuerySelector("[role=alert]")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.Null(refused.QuerySelector($"main a[href='/{module}/{retail}']"));
    }

    [Fact]
    public async Task A_record_out_of_scope_never_matches_an_admin_only_field_cannot_be_filtered_and_numbers_and_checkboxes_filter()
    {
        var admin = await app.SignInAsAdminAsync();
        var role = await CompanyKit.RoleAsync(app, "CF filter sales", null, AssignRecordsTo.AnyUser, ObjectKit.Everything(Scope.Own));
        var user = await CompanyKit.UserAsync(app, "cf-filter-sales@example.com", role);
        var sales = await app.SignInAsync(user.Email!, CompanyKit.Password);
        var industry = await CustomFieldsApp.FieldAsync(admin, "leads", "sector", CustomFieldTypes.Select);
        var margin = await CustomFieldsApp.FieldAsync(admin, "leads", "margin", CustomFieldTypes.Number, adminOnly: true);
        var size = await CustomFieldsApp.FieldAsync(admin, "leads", "headcount", CustomFieldTypes.Number);
        var vip = await CustomFieldsApp.FieldAsync(admin, "leads", "vip", CustomFieldTypes.Checkbox);
        var mine = await RecordAsync("leads", "Mine retail", user.Id);
        var theirs = await RecordAsync("leads", "Theirs retail", await app.AdminIdAsync());
        await app.HoldAsync("leads", industry, mine, "Retail");
        await app.HoldAsync("leads", industry, theirs, "Retail");
        await app.HoldAsync("leads", margin, theirs, "5", 5);
        await app.HoldAsync("leads", size, mine, "12", 12);
        await app.HoldAsync("leads", vip, theirs, "true");

        Assert.Equal([mine], await ApiIdsAsync(sales, "/api/v1/leads?cf.sector=Retail"));
        Assert.DoesNotContain("Theirs retail", await ExportAsync(sales, "/api/v1/leads/export?cf.sector=Retail"), StringComparison.Ordinal);
        Assert.Null((await sales.GetPageAsync("/leads?cf.sector=Retail")).Document.QuerySelector($"main a[href='/leads/{theirs}']"));

        // The admin-only field: refused as unknown for the sales user (not told it exists), offered to the administrator.
        var hidden = await sales.Http.GetAsync("/api/v1/leads?cf.margin=5");
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        var unknown = await sales.Http.GetAsync("/api/v1/leads?cf.nothingHere=5");
        Assert.Equal(
            Assert.Single(await unknown.FieldErrorsAsync("cf.nothingHere")).Replace("nothingHere", "margin", StringComparison.Ordinal),
            Assert.Single(await hidden.FieldErrorsAsync("cf.margin")));
        Assert.Null((await sales.GetPageAsync("/leads")).Document.QuerySelector("[name='cf.margin']"));
        Assert.Equal([theirs], await ApiIdsAsync(admin, "/api/v1/leads?cf.margin=5"));

        // A number by equality (a bad one refused); a checkbox's yes and no (no: never ticked too).
        Assert.Equal([mine], await ApiIdsAsync(sales, "/api/v1/leads?cf.headcount=12"));
        Assert.Empty(await ApiIdsAsync(sales, "/api/v1/leads?cf.headcount=13"));
        Assert.NotEmpty(await (await sales.Http.GetAsync("/api/v1/leads?cf.headcount=twelve")).FieldErrorsAsync("cf.headcount"));
        Assert.Equal([theirs], await ApiIdsAsync(admin, "/api/v1/leads?cf.vip=yes&cf.sector=Retail"));
        Assert.Equal([mine], await ApiIdsAsync(admin, "/api/v1/leads?cf.vip=no&cf.sector=Retail"));
    }
}
