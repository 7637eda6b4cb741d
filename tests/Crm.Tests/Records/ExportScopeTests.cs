using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Records;

/// <summary>
/// The exports of memos, tasks, files and contacts hold exactly what each user's list holds: the
/// memo rules (author, recipient, never someone else's draft), responsible users of tasks, files only
/// of records the user may see, contacts without the name of a company the user may not see.
/// </summary>
public sealed class ExportScopeTests
{
    private static async Task AssertExportMatchesAsync(PageClient client, string module, IReadOnlyCollection<int> expected, string query = "")
    {
        var listed = await client.ListIdsAsync($"/api/v1/{module}{query}");
        Assert.Equal(expected.Order(), listed);
        foreach (var format in new[] { "csv", "xlsx" })
        {
            var export = await client.ExportAsync($"/api/v1/{module}/export{query}", format);
            Assert.Equal(HttpStatusCode.OK, export.Status);
            Assert.Equal(listed, export.Ids);
        }
    }

    private static async Task<int> CreateAsync(PageClient client, string url, string json)
    {
        var response = await client.PostJsonAsync(url, json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task A_user_exports_exactly_the_memos_they_can_see()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var support = await DepartmentAsync(app, "Support");
        var memos = CrmModules.Memos.Key;
        var writer = await RoleAsync(app, "Writer", null, AssignRecordsTo.AnyUser,
            (memos, PermissionAction.Create, Scope.Own), (memos, PermissionAction.Edit, Scope.Own), (memos, PermissionAction.Export, Scope.Own));
        var exportOnly = await RoleAsync(app, "Export only", null, AssignRecordsTo.AnyUser, (memos, PermissionAction.Export, Scope.Own));
        var manager = await RoleAsync(app, "Manager", null, AssignRecordsTo.AnyUser, (memos, PermissionAction.View, Scope.All), (memos, PermissionAction.Export, Scope.All));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, (memos, PermissionAction.View, Scope.Department), (memos, PermissionAction.Export, Scope.Department));
        var viewer = await RoleAsync(app, "Viewer", null, AssignRecordsTo.AnyUser, (memos, PermissionAction.View, Scope.All));
        await UserAsync(app, "ann@crm.test", writer, sales);
        var bob = await UserAsync(app, "bob@crm.test", exportOnly, support);
        await UserAsync(app, "carl@crm.test", manager, support);
        await UserAsync(app, "dee@crm.test", deptRole, sales);
        await UserAsync(app, "dee2@crm.test", deptRole, support);
        await UserAsync(app, "dave@crm.test", exportOnly, support);
        await UserAsync(app, "nina@crm.test", viewer, support);
        var ann = await app.SignInAsync("ann@crm.test", Password);
        var sent = await CreateAsync(ann, "/api/v1/memos", $$"""{"title":"Budget request","body":"Two laptops.","recipientId":"{{bob.Id}}"}""");
        var draft = await CreateAsync(ann, "/api/v1/memos", $$"""{"title":"Half-baked","body":"Not ready.","recipientId":"{{bob.Id}}","isDraft":true}""");

        foreach (var (email, expected) in new (string, int[])[]
        {
            ("ann@crm.test", [sent, draft]), ("bob@crm.test", [sent]), ("carl@crm.test", [sent]),
            ("dee@crm.test", [sent]), ("dee2@crm.test", []), ("dave@crm.test", []),
        })
        {
            var client = await app.SignInAsync(email, Password);
            await AssertExportMatchesAsync(client, memos, expected);
        }

        await AssertExportMatchesAsync(ann, memos, [sent, draft], "?box=written");
        await AssertExportMatchesAsync(await app.SignInAsync("bob@crm.test", Password), memos, [sent], "?box=to-review");
        var nina = await app.SignInAsync("nina@crm.test", Password);
        Assert.Equal([sent], await nina.ListIdsAsync("/api/v1/memos"));
        Assert.Equal(HttpStatusCode.Forbidden, (await nina.ExportAsync("/api/v1/memos/export", "csv")).Status);
    }

    [Fact]
    public async Task Task_exports_hold_the_tasks_of_the_scope_and_those_the_user_is_responsible_for()
    {
        await using var app = new CrmApp();
        var tasks = CrmModules.Tasks.Key;
        var ownRole = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser,
            (tasks, PermissionAction.View, Scope.Own), (tasks, PermissionAction.Create, Scope.Own), (tasks, PermissionAction.Export, Scope.Own));
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, (tasks, PermissionAction.View, Scope.All), (tasks, PermissionAction.Export, Scope.All));
        await UserAsync(app, "ann@crm.test", ownRole);
        var bob = await UserAsync(app, "bob@crm.test", ownRole);
        await UserAsync(app, "carl@crm.test", ownRole);
        await UserAsync(app, "all@crm.test", allRole);
        var ann = await app.SignInAsync("ann@crm.test", Password);
        var carl = await app.SignInAsync("carl@crm.test", Password);
        var annsOwn = await CreateAsync(ann, "/api/v1/tasks", """{"title":"Ann alone"}""");
        var forBob = await CreateAsync(ann, "/api/v1/tasks", $$"""{"title":"Ann for Bob","responsibleIds":["{{bob.Id}}"]}""");
        var carls = await CreateAsync(carl, "/api/v1/tasks", """{"title":"Carl alone"}""");

        await AssertExportMatchesAsync(ann, tasks, [annsOwn, forBob]);
        await AssertExportMatchesAsync(await app.SignInAsync("bob@crm.test", Password), tasks, [forBob]);
        await AssertExportMatchesAsync(await app.SignInAsync("bob@crm.test", Password), tasks, [forBob], "?responsible=me&status=open");
        await AssertExportMatchesAsync(carl, tasks, [carls]);
        await AssertExportMatchesAsync(await app.SignInAsync("all@crm.test", Password), tasks, [annsOwn, forBob, carls]);
    }

    [Fact]
    public async Task File_exports_hold_only_files_of_records_the_user_may_see_and_contact_exports_hide_invisible_company_names()
    {
        await using var app = new CrmApp();
        var (files, companies, contacts) = (CrmModules.Files.Key, CrmModules.Companies.Key, CrmModules.Contacts.Key);
        // Frank may see every file, but only his own companies: a file never shows more than its record.
        var frankRole = await RoleAsync(app, "Files all", null, AssignRecordsTo.AnyUser,
            (files, PermissionAction.View, Scope.All), (files, PermissionAction.Create, Scope.All), (files, PermissionAction.Export, Scope.All),
            (companies, PermissionAction.View, Scope.Own), (contacts, PermissionAction.View, Scope.All), (contacts, PermissionAction.Export, Scope.All));
        var olgaRole = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser,
            (files, PermissionAction.View, Scope.Own), (files, PermissionAction.Create, Scope.Own), (files, PermissionAction.Export, Scope.Own),
            (companies, PermissionAction.View, Scope.Own));
        var frank = await UserAsync(app, "frank@crm.test", frankRole);
        var olga = await UserAsync(app, "olga@crm.test", olgaRole);
        var franks = await CompanyAsync(app, "Frank GmbH", frank.Id, null);
        var olgas = await CompanyAsync(app, "Olga AG", olga.Id, null);
        var frankClient = await app.SignInAsync("frank@crm.test", Password);
        var olgaClient = await app.SignInAsync("olga@crm.test", Password);
        var admin = await app.SignInAsAdminAsync();
        async Task<int> UploadAsync(PageClient client, string module, int id, string name)
        {
            var response = await client.UploadAsync(module, id, name, System.Text.Encoding.UTF8.GetBytes(name));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
        }

        var frankFile = await UploadAsync(frankClient, companies, franks, "frank.txt");
        var olgaFile = await UploadAsync(olgaClient, companies, olgas, "olga.txt");
        var adminFile = await UploadAsync(admin, companies, olgas, "admin.txt");

        await AssertExportMatchesAsync(frankClient, files, [frankFile]);
        await AssertExportMatchesAsync(olgaClient, files, [olgaFile]);
        await AssertExportMatchesAsync(admin, files, [frankFile, olgaFile, adminFile]);
        await AssertExportMatchesAsync(admin, files, [olgaFile, adminFile], $"?module=companies&id={olgas}");
        Assert.Equal(HttpStatusCode.NotFound, (await frankClient.ExportAsync($"/api/v1/files/export?module=companies&id={olgas}", "csv")).Status);
        var csv = await frankClient.Http.GetStringAsync("/api/v1/files/export?format=csv");
        Assert.DoesNotContain("olga", csv, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("admin.txt", csv, StringComparison.Ordinal);

        // Contacts: Frank sees every contact but only his company's name.
        var atOlgas = await ContactAsync(app, "Otto", "AtOlga", olgas, olga.Id, null);
        var atFranks = await ContactAsync(app, "Fritz", "AtFrank", franks, olga.Id, null);
        await AssertExportMatchesAsync(frankClient, contacts, [atOlgas, atFranks]);
        var table = await frankClient.ExportAsync("/api/v1/contacts/export?sort=id", "xlsx");
        var company = table.Headers.ToList().IndexOf("Company");
        Assert.True(company > 0);
        Assert.Equal("Frank GmbH", table.Rows.Single(r => r[0] == atFranks.ToString(System.Globalization.CultureInfo.InvariantCulture))[company]);
        Assert.Equal("", table.Rows.Single(r => r[0] == atOlgas.ToString(System.Globalization.CultureInfo.InvariantCulture))[company]);
        Assert.DoesNotContain(table.Rows.SelectMany(r => r), c => c.Contains("Olga AG", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await olgaClient.ExportAsync("/api/v1/contacts/export", "csv")).Status);
    }
}
