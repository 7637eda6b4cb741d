using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Companies;

/// <summary>
/// Per scope, a user sees exactly the companies it reaches, through every path: list, search,
/// detail, export and delete-impact (API), and the list and detail pages; a custom field's value
/// with exactly those companies, an admin-only one with none (<see cref="FieldValueWitness"/>).
/// A company shared for reading is seen but neither edited nor deleted, one shared for editing is
/// edited but not deleted, one shared with someone else is a 404 for all of them; removing a share
/// closes the company on the next request.
/// </summary>
public sealed class CompanyScopeTests
{
    [Fact]
    public async Task Each_scope_sees_exactly_its_companies_through_every_path()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var north = await DepartmentAsync(app, "Sales North", sales);
        var support = await DepartmentAsync(app, "Support");
        var bossRole = await RoleAsync(app, "Boss", null, AssignRecordsTo.AnyUser, Everything(Scope.Subordinates));
        var workerRole = await RoleAsync(app, "Worker", bossRole, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Everything(Scope.Department));
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, Everything(Scope.All));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);

        var worker = await UserAsync(app, "worker@crm.test", workerRole, north);
        var boss = await UserAsync(app, "boss@crm.test", bossRole, support);
        var dept = await UserAsync(app, "dept@crm.test", deptRole, sales);
        var all = await UserAsync(app, "all@crm.test", allRole, support);
        var none = await UserAsync(app, "none@crm.test", noneRole, sales);

        var ids = new Dictionary<string, int>
        {
            ["Acme North"] = await CompanyAsync(app, "Acme North", worker.Id, north),
            ["Boss Corp"] = await CompanyAsync(app, "Boss Corp", boss.Id, support),
            ["All Corp"] = await CompanyAsync(app, "All Corp", all.Id, support),
            ["Sales Corp"] = await CompanyAsync(app, "Sales Corp", none.Id, sales),
        };

        // Shares, outside each one's scope: Sales Corp with the worker (read), Boss Corp with the
        // department user (edit), All Corp with someone who is not in this test (edit).
        var admin = await app.SignInAsAdminAsync();
        var other = await app.CreateUserAsync("other@crm.test", Password);
        var shares = new Dictionary<string, long>();
        foreach (var (name, with, access) in new[] { ("Sales Corp", worker.Id, "read"), ("Boss Corp", dept.Id, "edit"), ("All Corp", other.Id, "edit") })
        {
            var shared = await admin.PostJsonAsync($"/api/v1/companies/{ids[name]}/shares", $$"""{"userId":"{{with}}","access":"{{access}}"}""");
            Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
            shares[name] = (await shared.ReadJsonAsync()).GetProperty("id").GetInt64();
        }

        var readShared = new Dictionary<string, string> { ["worker@crm.test"] = "Sales Corp" };
        var editShared = new Dictionary<string, string> { ["dept@crm.test"] = "Boss Corp" };

        var expected = new Dictionary<string, string[]>
        {
            ["worker@crm.test"] = ["Acme North", "Sales Corp"],
            ["boss@crm.test"] = ["Acme North", "Boss Corp"],
            ["dept@crm.test"] = ["Acme North", "Boss Corp", "Sales Corp"],
            ["all@crm.test"] = ["Acme North", "All Corp", "Boss Corp", "Sales Corp"],
            ["none@crm.test"] = [],
        };

        // A custom field value on each company, and an admin-only one: what each user's answers carry of them.
        await FieldValueWitness.SetUpAsync(admin, "companies", ids);
        app.KeepAnswers();
        foreach (var (email, names) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            Assert.Equal(names, await (await client.Http.GetAsync("/api/v1/companies")).NamesAsync());
            Assert.Equal(names.Where(n => n.Contains("Corp", StringComparison.Ordinal)),
                await (await client.Http.GetAsync("/api/v1/companies?search=CORP&sort=id")).NamesAsync());

            foreach (var (name, id) in ids)
            {
                var status = names.Contains(name) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                var shared = readShared.GetValueOrDefault(email) == name || editShared.GetValueOrDefault(email) == name;
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/companies/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/companies/{id}")).StatusCode);
                Assert.Equal(shared ? HttpStatusCode.Forbidden : status, (await client.Http.GetAsync($"/api/v1/companies/{id}/delete-impact")).StatusCode);
                Assert.Equal(readShared.GetValueOrDefault(email) == name ? HttpStatusCode.Forbidden : status,
                    (await client.Http.GetAsync($"/companies/{id}/edit")).StatusCode);
            }

            var page = await (await client.Http.GetAsync("/companies")).Content.ReadAsStringAsync();
            foreach (var name in ids.Keys)
            {
                Assert.Equal(names.Contains(name), page.Contains(name, StringComparison.Ordinal));
            }

            var csv = await client.Http.GetAsync("/api/v1/companies/export.csv");
            if (email == "none@crm.test")
            {
                Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
                var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(names, lines.Skip(1).Select(l => l.Split(',')[1]).Order(StringComparer.Ordinal));
            }

            FieldValueWitness.Check(email, app.TakeAnswers(), ids.Keys, names);
        }

        // Removing a share bites on the next request.
        var workerClient = await app.SignInAsync("worker@crm.test", Password);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/companies/{ids["Sales Corp"]}/shares/{shares["Sales Corp"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await workerClient.Http.GetAsync($"/api/v1/companies/{ids["Sales Corp"]}")).StatusCode);
        Assert.Equal(["Acme North"], await (await workerClient.Http.GetAsync("/api/v1/companies")).NamesAsync());
    }
}
