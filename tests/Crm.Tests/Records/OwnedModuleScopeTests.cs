using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Companies.CompanyKit;
using static Crm.Tests.Deals.ObjectKit;
using Everything = Crm.Tests.Deals.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>
/// Leads, products, logged emails and memos, on the model of the deal and task scope tests: each scope
/// (own, subordinates, department, all, none) sees exactly its records through the list (API, every
/// page, and the list page), the detail (API and page), the edit and delete pages, delete-impact,
/// the record's files, the module lookup, the global search by text and by "ID n", and the CSV and
/// xlsx exports; outside the scope every path is a 404 and nothing changes.
/// </summary>
public sealed class OwnedModuleScopeTests
{
    private sealed record Module(string Key, string Page, string PatchField, Func<CrmApp, string, Guid, int?, Task<int>> Create);

    private static Module Of(string key) => key switch
    {
        "leads" => new("leads", "/leads", "firstName", (app, name, owner, department) => LeadAsync(app, name, "Lead", null, owner, department)),
        "products" => new("products", "/products", "name", (app, name, owner, department) => ProductAsync(app, "P-" + name.Replace(" ", "", StringComparison.Ordinal), name, owner, department)),
        "emails" => new("emails", "/emails", "subject", (app, name, owner, department) => EmailAsync(app, name, owner, department)),
        "memos" => new("memos", "/memos", "title", MemoAsync),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    public static TheoryData<string> Modules => new() { CrmModules.Leads.Key, CrmModules.Products.Key, CrmModules.Emails.Key, CrmModules.Memos.Key };

    /// <summary>A sent memo written by its owner to a reader outside the test's roles.</summary>
    private static Task<int> MemoAsync(CrmApp app, string title, Guid owner, int? department) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var reader = await db.Users.Where(u => u.Email == "reader@crm.test").Select(u => u.Id).SingleAsync();
            var memo = new Crm.Web.Features.Memos.Memo
            {
                Title = title, Body = "Please read.", AuthorId = owner, RecipientId = reader, OwnerId = owner, DepartmentId = department,
                CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.Memos.Add(memo);
            await db.SaveChangesAsync();
            return memo.Id;
        });

    /// <summary>The deal test's grants, plus memos with the same scope.</summary>
    private static (string, string, Scope)[] Grants(Scope scope) =>
        [.. Everything.Everything(scope), .. PermissionAction.Standard.Select(a => (CrmModules.Memos.Key, a, scope))];

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Each_scope_sees_exactly_its_records_through_every_path(string key)
    {
        var module = Of(key);
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var north = await DepartmentAsync(app, "Sales North", sales);
        var support = await DepartmentAsync(app, "Support");
        var bossRole = await RoleAsync(app, "Boss", null, AssignRecordsTo.AnyUser, Grants(Scope.Subordinates));
        var workerRole = await RoleAsync(app, "Worker", bossRole, AssignRecordsTo.AnyUser, Grants(Scope.Own));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Grants(Scope.Department));
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, Grants(Scope.All));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var worker = await UserAsync(app, "worker@crm.test", workerRole, north);
        var boss = await UserAsync(app, "boss@crm.test", bossRole, support);
        var dept = await UserAsync(app, "dept@crm.test", deptRole, sales);
        var all = await UserAsync(app, "all@crm.test", allRole, support);
        var none = await UserAsync(app, "none@crm.test", noneRole, sales);
        await app.CreateUserAsync("reader@crm.test", Password);
        var ids = new Dictionary<string, int>
        {
            ["Northrec"] = await module.Create(app, "Northrec", worker.Id, north),
            ["Bossrec"] = await module.Create(app, "Bossrec", boss.Id, support),
            ["Allrec"] = await module.Create(app, "Allrec", all.Id, support),
            ["Salesrec"] = await module.Create(app, "Salesrec", none.Id, sales),
        };
        var expected = new Dictionary<string, (Guid Id, string[] Names)>
        {
            ["worker@crm.test"] = (worker.Id, ["Northrec"]),
            ["boss@crm.test"] = (boss.Id, ["Bossrec", "Northrec"]),
            ["dept@crm.test"] = (dept.Id, ["Northrec", "Salesrec"]),
            ["all@crm.test"] = (all.Id, ["Allrec", "Bossrec", "Northrec", "Salesrec"]),
            // A memo's author always sees it (memo rule), even without any scope.
            ["none@crm.test"] = (none.Id, key == CrmModules.Memos.Key ? ["Salesrec"] : []),
        };

        foreach (var (email, (userId, names)) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            var visible = names.Select(n => ids[n]).Order().ToList();
            Assert.Equal(visible, await client.ListIdsAsync($"/api/v1/{key}"));
            Assert.Equal(visible, await client.ListIdsAsync($"/api/v1/{key}?sort=id"));
            var found = await LookupAsync(app, userId, key, "rec");
            Assert.Equal(names.Length, found.Count);
            Assert.All(names, n => Assert.Single(found, f => f.Contains(n, StringComparison.Ordinal)));
            var searched = await client.SearchAsync(key, "rec");
            Assert.Equal(names.Length, searched.Count);

            var page = await (await client.Http.GetAsync(module.Page)).Content.ReadAsStringAsync();
            foreach (var (name, id) in ids)
            {
                var sees = names.Contains(name);
                Assert.Equal(sees, page.Contains(name, StringComparison.Ordinal));
                Assert.Equal(sees ? 1 : 0, (await client.SearchAsync(key, $"ID {id}")).Count);
                var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                foreach (var url in new[] { $"/api/v1/{key}/{id}", $"{module.Page}/{id}", $"/api/v1/files?module={key}&id={id}" })
                {
                    Assert.True(status == (await client.Http.GetAsync(url)).StatusCode, $"{email} {url}");
                }

                // Changing needs more than seeing: the none user sees its memo as author but may not delete it (403, not 404).
                foreach (var url in new[] { $"{module.Page}/{id}/edit", $"{module.Page}/{id}/delete", $"/api/v1/{key}/{id}/delete-impact" })
                {
                    var got = (await client.Http.GetAsync(url)).StatusCode;
                    Assert.True(sees ? got is HttpStatusCode.OK or HttpStatusCode.Forbidden : got == HttpStatusCode.NotFound, $"{email} {url} {got}");
                    Assert.True(email == "none@crm.test" || !sees || got == HttpStatusCode.OK, $"{email} {url} {got}");
                }

                if (!sees)
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await client.PatchJsonAsync($"/api/v1/{key}/{id}", $$"""{"{{module.PatchField}}":"Changed","version":1}""")).StatusCode);
                    Assert.Equal(HttpStatusCode.NotFound, (await client.Http.DeleteAsync($"/api/v1/{key}/{id}")).StatusCode);
                }
            }

            foreach (var format in new[] { "csv", "xlsx" })
            {
                var export = await client.ExportAsync($"/api/v1/{key}/export", format);
                if (email == "none@crm.test")
                {
                    Assert.Equal(HttpStatusCode.Forbidden, export.Status);
                    continue;
                }

                Assert.Equal(HttpStatusCode.OK, export.Status);
                Assert.Equal(visible, export.Ids);
            }

            // The export link is on the list page only with the export permission.
            Assert.Equal(email != "none@crm.test", page.Contains($"/api/v1/{key}/export?format=xlsx", StringComparison.Ordinal));
        }

        Assert.Equal(4, await app.InDatabaseAsync(db => key switch
        {
            "leads" => db.Leads.CountAsync(),
            "products" => db.Products.CountAsync(),
            "memos" => db.Memos.CountAsync(),
            _ => db.LoggedEmails.CountAsync(),
        }));
        Assert.Equal(0, await app.InDatabaseAsync(async db => await db.Leads.CountAsync(l => l.FirstName == "Changed")
            + await db.Products.CountAsync(p => p.Name == "Changed") + await db.LoggedEmails.CountAsync(e => e.Subject == "Changed")
            + await db.Memos.CountAsync(m => m.Title == "Changed")));
    }
}
