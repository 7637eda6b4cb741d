using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.CustomFields;
using Crm.Web.Features.Roles;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Tests.CustomFields;

/// <summary>
/// Lists sorted by a custom field (issue 28): <c>sort=cf.key</c> and <c>-cf.key</c> on every module's list
/// API, export and page (the column's header), records without a value last either way, ties by ID,
/// keyset paging forwards and back; the row filter unchanged; a field the actor may not see, or long
/// text, refused with a message under <c>sort</c> (400 in the API).
/// </summary>
public sealed class CustomFieldSortTests(CustomFieldsApp app) : IClassFixture<CustomFieldsApp>
{
    public static TheoryData<string> Modules() => [.. ReadableModules.All.Select(m => m.Key)];

    /// <summary>Every page of the list from the first, following nextCursor; and each page's previousCursor leads back to the page before it.</summary>
    private static async Task<List<int>> AllPagesAsync(HttpClient client, string address)
    {
        var ids = new List<int>();
        var pages = new List<(List<int> Ids, string? Previous)>();
        string? cursor = null;
        do
        {
            var page = await GetAsync(client, address + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
            pages.Add((items, page.GetProperty("previousCursor").GetString()));
            ids.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pages.Count < 20);

        for (var i = 1; i < pages.Count; i++)
        {
            var back = await GetAsync(client, address + "&cursor=" + Uri.EscapeDataString(pages[i].Previous!));
            Assert.Equal(pages[i - 1].Ids, back.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()));
        }

        return ids;
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string address)
    {
        var response = await client.GetAsync(address);
        Assert.True(response.StatusCode == HttpStatusCode.OK, address + ": " + await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Every_module_sorts_its_list_export_and_page_by_a_custom_field_both_ways_without_a_value_last(string module)
    {
        var admin = await app.SignInAsAdminAsync();
        var owner = await app.AdminIdAsync();
        var rank = await CustomFieldsApp.FieldAsync(admin, module, "rank", CustomFieldTypes.Number);
        var names = new[] { "a", "b", "c", "d", "e", "f" };
        var ids = new Dictionary<string, int>();
        foreach (var name in names)
        {
            ids[name] = await app.RecordAsync(module, $"Sortcf {module} {name}", owner);
        }

        // a 3, b 1, c none, d 2, e 2 (a tie, broken by ID), f none; 10 above 9 as numbers, not as text.
        await app.HoldAsync(module, rank, ids["a"], "10", 10);
        await app.HoldAsync(module, rank, ids["b"], "1", 1);
        await app.HoldAsync(module, rank, ids["d"], "9", 9);
        await app.HoldAsync(module, rank, ids["e"], "9", 9);
        int[] ascending = [ids["b"], ids["d"], ids["e"], ids["a"], ids["c"], ids["f"]];
        int[] descending = [ids["a"], ids["e"], ids["d"], ids["b"], ids["f"], ids["c"]];

        // The API, two at a time, forwards and back; the whole list in one page; the export.
        Assert.Equal(ascending, await AllPagesAsync(admin.Http, $"/api/v1/{module}?search=Sortcf&sort=cf.rank&pageSize=2"));
        Assert.Equal(descending, await AllPagesAsync(admin.Http, $"/api/v1/{module}?search=Sortcf&sort=-cf.rank&pageSize=2"));
        Assert.Equal(descending, await AllPagesAsync(admin.Http, $"/api/v1/{module}?search=Sortcf&sort=-CF.Rank&pageSize=4"));
        var csv = await (await admin.Http.GetAsync($"/api/v1/{module}/export?format=csv&search=Sortcf&sort=cf.rank")).Content.ReadAsStringAsync();
        var order = ascending.Select(id => names.Single(n => ids[n] == id)).Select(n => csv.IndexOf($"Sortcf {module} {n}", StringComparison.Ordinal)).ToList();
        Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), csv);

        // The page: the rows in order; the column's header sorts, then sorts descending, and says which.
        var (_, page) = await admin.GetPageAsync($"/{module}?search=Sortcf&show=rank&sort=cf.rank");
        var rows = page.QuerySelectorAll("main tbody tr")
            .Select(r => r.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).First(h => h!.StartsWith($"/{module}/", StringComparison.Ordinal) && int.TryParse(h[(module.Length + 2)..], out _)))
            .Select(h => int.Parse(h![(module.Length + 2)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ascending, rows);
        // The filter form's "Sort by" keeps it, so searching again sorts the same way.
        Assert.Equal("cf.rank", page.QuerySelector("select[name='sort'] option[selected]")?.GetAttribute("value"));
        var head = page.QuerySelector("th[data-custom-field='rank']")!;
        Assert.Equal("ascending", head.GetAttribute("aria-sort"));
        var resort = head.QuerySelector("a")!.GetAttribute("href")!;
        Assert.Contains("sort=-cf.rank", resort, StringComparison.Ordinal);
        Assert.Contains("search=Sortcf", resort, StringComparison.Ordinal);
        var (_, sorted) = await admin.GetPageAsync(resort);
        Assert.Equal("descending", sorted.QuerySelector("th[data-custom-field='rank']")!.GetAttribute("aria-sort"));
    }

    [Fact]
    public async Task The_row_filter_holds_text_and_dates_sort_and_a_hidden_or_long_text_field_is_refused()
    {
        var admin = await app.SignInAsAdminAsync();
        var role = await CompanyKit.RoleAsync(app, "CF sort sales", null, AssignRecordsTo.AnyUser, ObjectKit.Everything(Scope.Own));
        var user = await CompanyKit.UserAsync(app, "cf-sort-sales@example.com", role);
        var sales = await app.SignInAsync(user.Email!, CompanyKit.Password);
        var code = await CustomFieldsApp.FieldAsync(admin, "leads", "erpCode", CustomFieldTypes.Text);
        var since = await CustomFieldsApp.FieldAsync(admin, "leads", "since", CustomFieldTypes.Date);
        await CustomFieldsApp.FieldAsync(admin, "leads", "margin", CustomFieldTypes.Number, adminOnly: true);
        await CustomFieldsApp.FieldAsync(admin, "leads", "story", CustomFieldTypes.Textarea);
        var mineB = await app.RecordAsync("leads", "Sortlead mine b", user.Id);
        var theirs = await app.RecordAsync("leads", "Sortlead theirs", await app.AdminIdAsync());
        var mineA = await app.RecordAsync("leads", "Sortlead mine a", user.Id);
        await app.HoldAsync("leads", code, mineB, "B-2");
        await app.HoldAsync("leads", code, theirs, "A-0");
        await app.HoldAsync("leads", code, mineA, "A-1");
        await app.HoldAsync("leads", since, mineB, "2025-03-01", date: new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        await app.HoldAsync("leads", since, mineA, "2026-01-15", date: new DateTime(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc));

        // The sales user sees their own leads only, in the field's order; the administrator all of them.
        Assert.Equal([mineA, mineB], await AllPagesAsync(sales.Http, "/api/v1/leads?search=Sortlead&sort=cf.erpCode&pageSize=1"));
        Assert.Equal([theirs, mineA, mineB], await AllPagesAsync(admin.Http, "/api/v1/leads?search=Sortlead&sort=cf.erpCode&pageSize=1"));
        Assert.Equal([mineA, mineB, theirs], await AllPagesAsync(admin.Http, "/api/v1/leads?search=Sortlead&sort=-cf.since&pageSize=2"));
        Assert.DoesNotContain("Sortlead theirs", await (await sales.Http.GetAsync("/api/v1/leads/export?search=Sortlead&sort=cf.erpCode")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The admin-only field is refused as an unknown one; long text cannot sort; on the page, a message.
        var hidden = await sales.Http.GetAsync("/api/v1/leads?sort=cf.margin");
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        var unknown = await sales.Http.GetAsync("/api/v1/leads?sort=cf.nothingHere");
        Assert.Equal(
            Assert.Single(await unknown.FieldErrorsAsync("sort")).Replace("nothingHere", "margin", StringComparison.Ordinal),
            Assert.Single(await hidden.FieldErrorsAsync("sort")));
        Assert.Equal(HttpStatusCode.BadRequest, (await sales.Http.GetAsync("/api/v1/leads/export?sort=-cf.margin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/api/v1/leads?search=Sortlead&sort=cf.margin")).StatusCode);
        var story = await admin.Http.GetAsync("/api/v1/leads?sort=cf.story");
        Assert.Equal(HttpStatusCode.BadRequest, story.StatusCode);
        Assert.Contains("long text", Assert.Single(await story.FieldErrorsAsync("sort")), StringComparison.Ordinal);
        var (_, refused) = await sales.GetPageAsync("/leads?sort=cf.margin");
        Assert.Contains("margin", refused.QuerySelector("[role=alert]")?.TextContent ?? "", StringComparison.Ordinal);

        // A list that has no custom fields refuses such a sort too.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/emails?sort=cf.rank")).StatusCode);
    }
}
