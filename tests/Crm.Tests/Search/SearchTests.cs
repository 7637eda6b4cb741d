using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Search;

/// <summary>The global search and "ID 123" find exactly the records the caller's scope reaches.</summary>
public sealed class SearchTests
{
    [Fact]
    public async Task Text_and_id_search_find_only_records_in_scope()
    {
        await using var app = new CrmApp();
        var north = await DepartmentAsync(app, "North");
        var south = await DepartmentAsync(app, "South");
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Everything(Scope.Department));
        var ownRole = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var northUser = await UserAsync(app, "north@crm.test", deptRole, north);
        var southUser = await UserAsync(app, "south@crm.test", ownRole, south);
        await UserAsync(app, "none@crm.test", noneRole, north);

        var northCompany = await CompanyAsync(app, "Zephyr North", northUser.Id, north);
        var southCompany = await CompanyAsync(app, "Zephyr South", southUser.Id, south);
        var northContact = await ContactAsync(app, "Ada", "Zephyrson", northCompany, northUser.Id, north);

        var northClient = await app.SignInAsync("north@crm.test", Password);
        var found = await SearchAsync(northClient, "zephyr");
        Assert.Equal(["Zephyr North"], found["companies"]);
        Assert.Equal(["Ada Zephyrson"], found["contacts"]);

        var southClient = await app.SignInAsync("south@crm.test", Password);
        found = await SearchAsync(southClient, "ZEPHYR");
        Assert.Equal(["Zephyr South"], found["companies"]);
        Assert.False(found.ContainsKey("contacts"));

        // ID search: any case, with or without a space; a record out of scope is simply not found.
        foreach (var query in new[] { $"ID {southCompany}", $"id{southCompany}", $"  Id  {southCompany} " })
        {
            Assert.Equal(["Zephyr South"], (await SearchAsync(southClient, query))["companies"]);
            Assert.False((await SearchAsync(northClient, query)).TryGetValue("companies", out var names) && names.Contains("Zephyr South"));
        }

        // The page opens the only match directly, and says so plainly when there is none.
        var page = await southClient.Http.GetAsync($"/search?q=ID%20{southCompany}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal($"/companies/{southCompany}", page.Headers.Location?.OriginalString);
        var nothing = await (await northClient.Http.GetAsync($"/search?q=ID%20{southCompany + northContact + 1000}")).Content.ReadAsStringAsync();
        Assert.Contains("No record with ID", nothing, StringComparison.Ordinal);

        var noneClient = await app.SignInAsync("none@crm.test", Password);
        Assert.Empty(await SearchAsync(noneClient, "zephyr"));
        Assert.Empty(await SearchAsync(noneClient, $"ID {northCompany}"));
    }

    [Fact]
    public async Task A_record_shared_with_a_user_whose_role_grants_no_view_is_found_as_the_list_shows_it()
    {
        await using var app = new CrmApp();
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var owner = await app.CreateUserAsync("owner@crm.test", Password);
        var reader = await UserAsync(app, "reader@crm.test", noneRole);
        var shared = await ContactAsync(app, "Quinn", "Shared", null, owner.Id, null);
        var kept = await ContactAsync(app, "Quentin", "Kept", null, owner.Id, null);
        await app.InDatabaseAsync(db =>
        {
            db.RecordShares.Add(new Crm.Web.Features.Access.Share
            {
                Module = CrmModules.Contacts.Key, RecordId = shared, UserId = reader.Id, Access = ShareAccess.Read, CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            });
            return db.SaveChangesAsync();
        });

        var client = await app.SignInAsync("reader@crm.test", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/contacts/{shared}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync($"/contacts/{kept}")).StatusCode);
        Assert.Equal(["Quinn Shared"], (await SearchAsync(client, "quin"))["contacts"]);
        Assert.Equal(["Quinn Shared"], (await SearchAsync(client, $"ID {shared}"))["contacts"]);
        Assert.False((await SearchAsync(client, $"ID {kept}")).ContainsKey("contacts"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<script>alert(1)</script>\u0007")]
    public async Task Bad_queries_are_refused_with_a_message(string query)
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();
        var response = await client.Http.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(query));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q", await ErrorFieldsAsync(response));
        var tooLong = await client.Http.GetAsync("/api/v1/search?q=" + new string('a', 201));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    private static async Task<Dictionary<string, List<string>>> SearchAsync(PageClient client, string query)
    {
        var response = await client.Http.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("groups").EnumerateArray().ToDictionary(
            g => g.GetProperty("module").GetString()!,
            g => g.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("label").GetString()!).ToList());
    }
}
