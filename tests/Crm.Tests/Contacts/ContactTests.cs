using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Contacts;

public sealed class ContactTests
{
    private static async Task<List<string>> ContactNamesAsync(HttpResponseMessage response) =>
        [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => $"{i.Text("firstName")} {i.Text("lastName")}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Each_scope_sees_exactly_its_contacts_and_only_visible_companies_are_named()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var north = await DepartmentAsync(app, "North", sales);
        var support = await DepartmentAsync(app, "Support");
        var bossRole = await RoleAsync(app, "Boss", null, AssignRecordsTo.AnyUser, Everything(Scope.Subordinates));
        var workerRole = await RoleAsync(app, "Worker", bossRole, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Everything(Scope.Department));
        // Contacts for everyone, companies for nobody: contact rows must not reveal the company.
        var contactsOnly = await RoleAsync(app, "Contacts only", null, AssignRecordsTo.AnyUser, (CrmModules.Contacts.Key, PermissionAction.View, Scope.All));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var worker = await UserAsync(app, "worker@crm.test", workerRole, north);
        var boss = await UserAsync(app, "boss@crm.test", bossRole, support);
        await UserAsync(app, "dept@crm.test", deptRole, sales);
        await UserAsync(app, "contacts@crm.test", contactsOnly, support);
        var none = await UserAsync(app, "none@crm.test", noneRole, sales);
        var secret = await CompanyAsync(app, "Secret Corp", boss.Id, support);
        var ids = new Dictionary<string, int>
        {
            ["Wanda Worker"] = await ContactAsync(app, "Wanda", "Worker", null, worker.Id, north),
            ["Bob Boss"] = await ContactAsync(app, "Bob", "Boss", secret, boss.Id, support),
            ["Nina None"] = await ContactAsync(app, "Nina", "None", null, none.Id, sales),
        };
        var expected = new Dictionary<string, string[]>
        {
            ["worker@crm.test"] = ["Wanda Worker"],
            ["boss@crm.test"] = ["Bob Boss", "Wanda Worker"],
            ["dept@crm.test"] = ["Nina None", "Wanda Worker"],
            ["contacts@crm.test"] = ["Bob Boss", "Nina None", "Wanda Worker"],
            ["none@crm.test"] = [],
        };
        foreach (var (email, names) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            Assert.Equal(names, await ContactNamesAsync(await client.Http.GetAsync("/api/v1/contacts")));
            Assert.Equal(names.Where(n => n.Contains("Bo", StringComparison.Ordinal)), await ContactNamesAsync(await client.Http.GetAsync("/api/v1/contacts?search=bo")));
            foreach (var (name, id) in ids)
            {
                var status = names.Contains(name) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/contacts/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/contacts/{id}")).StatusCode);
            }

            var page = await (await client.Http.GetAsync("/contacts")).Content.ReadAsStringAsync();
            Assert.Equal(email is "boss@crm.test", page.Contains("Secret Corp", StringComparison.Ordinal));
        }

        var contactsClient = await app.SignInAsync("contacts@crm.test", Password);
        var bob = await (await contactsClient.Http.GetAsync($"/api/v1/contacts/{ids["Bob Boss"]}")).ReadJsonAsync();
        Assert.Null(bob.Text("companyName"));
        var bossClient = await app.SignInAsync("boss@crm.test", Password);
        Assert.Equal(["Bob Boss"], await ContactNamesAsync(await bossClient.Http.GetAsync($"/api/v1/contacts?companyId={secret}")));
        Assert.Contains("Bob Boss", await (await bossClient.Http.GetAsync($"/companies/{secret}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contacts_are_created_edited_and_deleted_with_checks_and_concurrency()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var role = await RoleAsync(app, "Seller", null, AssignRecordsTo.SameRoleOrBelow, Everything(Scope.Own));
        var agent = await UserAsync(app, "agent@crm.test", role, sales);
        var adminId = await app.AdminIdAsync();
        var hidden = await CompanyAsync(app, "Hidden", adminId, null);
        var mine = await CompanyAsync(app, "Mine", agent.Id, sales);
        var client = await app.SignInAsync("agent@crm.test", Password);

        var invisible = await client.PostJsonAsync("/api/v1/contacts", $$"""{"firstName":"Ann","lastName":"Able","companyId":{{hidden}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, invisible.StatusCode);
        Assert.NotEmpty(await invisible.FieldErrorsAsync("companyId"));
        var bad = await client.PostJsonAsync("/api/v1/contacts", """{"firstName":"<script>x</script>","lastName":"","email":"nope"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Superset(new HashSet<string> { "firstName", "lastName", "email" }, (await ErrorFieldsAsync(bad)).ToHashSet());
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Contacts.CountAsync()));

        var created = await client.PostJsonAsync("/api/v1/contacts", $$"""{"firstName":"Ann","lastName":"Able","companyId":{{mine}},"email":"ann@example.com"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ann = await created.ReadJsonAsync();
        var id = ann.GetProperty("id").GetInt32();
        Assert.Equal("Mine", ann.Text("companyName"));
        Assert.Equal(sales, ann.GetProperty("departmentId").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await client.PatchJsonAsync($"/api/v1/contacts/{id}", """{"title":"Buyer","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PatchJsonAsync($"/api/v1/contacts/{id}", """{"title":"Lost","version":1}""")).StatusCode);
        Assert.Equal("Buyer", await app.InDatabaseAsync(db => db.Contacts.Where(c => c.Id == id).Select(c => c.Title).SingleAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync("/api/v1/contacts?cursor=%7Bbroken")).StatusCode);

        var others = await ContactAsync(app, "Zed", "Other", null, adminId, null);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.DeleteAsync($"/api/v1/contacts/{others}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/api/v1/contacts/{id}/delete-impact")).StatusCode);
        var confirm = await client.SubmitAsync($"/contacts/{id}/delete", new());
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Equal([others], await app.InDatabaseAsync(db => db.Contacts.Select(c => c.Id).ToListAsync()));

        // The page form adds a contact to a company.
        var page = await client.SubmitAsync($"/contacts/new?companyId={mine}", new() { ["Input.FirstName"] = "Bea", ["Input.LastName"] = "Baker" });
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(mine, await app.InDatabaseAsync(db => db.Contacts.Where(c => c.FirstName == "Bea").Select(c => c.CompanyId).SingleAsync()));
    }

    [Fact]
    public async Task The_home_page_lists_companies_and_contacts_only_for_those_who_may_view_them()
    {
        await using var app = new CrmApp();
        var viewer = await RoleAsync(app, "Looker", null, AssignRecordsTo.AnyUser, (CrmModules.Companies.Key, PermissionAction.View, Scope.Own));
        var nothing = await RoleAsync(app, "Nothing", null, AssignRecordsTo.AnyUser);
        await UserAsync(app, "viewer@crm.test", viewer);
        await UserAsync(app, "nothing@crm.test", nothing);

        var (_, withView) = await (await app.SignInAsync("viewer@crm.test", Password)).GetPageAsync("/");
        Assert.NotNull(withView.QuerySelector("a[href='/companies']"));
        Assert.Null(withView.QuerySelector("a[href='/contacts']"));
        var (_, without) = await (await app.SignInAsync("nothing@crm.test", Password)).GetPageAsync("/");
        Assert.Null(without.QuerySelector("a[href='/companies']"));
        var (_, admin) = await (await app.SignInAsAdminAsync()).GetPageAsync("/");
        Assert.NotNull(admin.QuerySelector("a[href='/contacts']"));
    }
}
