using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Tasks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;
using Everything = Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>
/// Leads, products, logged emails, memos, contacts and tasks, on the model of the deal and company
/// scope tests: each scope (own, subordinates, department, all, none) sees exactly its records
/// through the list (API, every page of one row, and the list page), the detail (API and page), the
/// edit and delete pages, delete-impact, the record's files (API and the detail page's panel), the
/// module lookup, the global search by text and by "ID n", and the CSV and xlsx exports; outside
/// the scope every path is a 404 and PATCH and DELETE change nothing. A custom field's value travels
/// with exactly the records a user sees, an admin-only field's on no path (<see cref="FieldValueWitness"/>). Records a module's own rule
/// shows outside the scope (a memo's author, a task's responsible users) are seen but not deleted.
/// Shares are part of the world: a record shared with the worker for reading and one opened to the
/// boss by a sharing rule are seen on every path but neither edited nor deleted (nor their files
/// seen), a record shared for editing with someone else stays a 404 for everyone here, and removing
/// the share and the rule closes their records on the next request.
/// </summary>
[Slow]
public sealed class OwnedModuleScopeTests
{
    private sealed record Module(string Key, string Page, string PatchField, Func<CrmApp, string, Guid, int?, Task<int>> Create)
    {
        /// <summary>The detail page lists the record's files (the <c>_Files</c> panel).</summary>
        public bool FilesPanel { get; init; }

        /// <summary>A record seen only through the module's rule may be edited (a responsible user moves the task on).</summary>
        public bool RuleSeenEditable { get; init; }
    }

    private static Module Of(string key) => key switch
    {
        "leads" => new("leads", "/leads", "firstName", (app, name, owner, department) => LeadAsync(app, name, "Lead", null, owner, department)),
        "products" => new("products", "/products", "name", (app, name, owner, department) => ProductAsync(app, "P-" + name.Replace(" ", "", StringComparison.Ordinal), name, owner, department)),
        "emails" => new("emails", "/emails", "subject", (app, name, owner, department) => EmailAsync(app, name, owner, department)),
        "memos" => new("memos", "/memos", "title", MemoAsync) { FilesPanel = true },
        "contacts" => new("contacts", "/contacts", "firstName", (app, name, owner, department) => ContactAsync(app, name, "Contact", null, owner, department)) { FilesPanel = true },
        "tasks" => new("tasks", "/tasks", "title", TaskAsync) { FilesPanel = true, RuleSeenEditable = true },
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    public static TheoryData<string> Modules => new()
    {
        CrmModules.Leads.Key, CrmModules.Products.Key, CrmModules.Emails.Key, CrmModules.Memos.Key, CrmModules.Contacts.Key, CrmModules.Tasks.Key,
    };

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

    /// <summary>A task as the API makes it without responsibleIds: its owner is the one responsible user.</summary>
    private static Task<int> TaskAsync(CrmApp app, string title, Guid owner, int? department) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var task = new CrmTask
            {
                Title = title, OwnerId = owner, DepartmentId = department, CreatedAt = now, ModifiedAt = now, Version = 1,
                Responsible = [new TaskResponsible { UserId = owner }],
            };
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
            return task.Id;
        });

    /// <summary>The deal test's grants, plus memos, tasks and files with the same scope.</summary>
    private static (string, string, Scope)[] Grants(Scope scope) =>
    [
        .. Everything.Everything(scope),
        .. new[] { CrmModules.Memos.Key, CrmModules.Tasks.Key, CrmModules.Files.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, scope))),
    ];

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
        var reader = await app.CreateUserAsync("reader@crm.test", Password);
        var owners = new Dictionary<string, (Guid Owner, int Department)>
        {
            ["Northrec"] = (worker.Id, north), ["Bossrec"] = (boss.Id, support), ["Allrec"] = (all.Id, support), ["Salesrec"] = (none.Id, sales),
        };
        var ids = new Dictionary<string, int>();
        foreach (var (name, (owner, department)) in owners)
        {
            ids[name] = await module.Create(app, name, owner, department);
        }

        var isTasks = key == CrmModules.Tasks.Key;
        if (isTasks)
        {
            // The worker is also responsible for the all user's task: the rule shows it to them, not to their boss.
            await app.InDatabaseAsync(db =>
            {
                db.TaskResponsibles.Add(new TaskResponsible { TaskId = ids["Allrec"], UserId = worker.Id });
                return db.SaveChangesAsync();
            });
        }

        // One file on each record, owned like its record: with the files grant of the same scope, a
        // user sees it exactly when their scope (not a module rule) shows the record.
        var admin = await app.SignInAsAdminAsync();
        var files = new Dictionary<string, int>();
        foreach (var (name, id) in ids)
        {
            var upload = await admin.UploadAsync(key, id, $"doc-{name}.txt", System.Text.Encoding.UTF8.GetBytes(name));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            var fileId = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();
            files[name] = fileId;
            await app.InDatabaseAsync(async db =>
            {
                var file = await db.FileObjects.SingleAsync(f => f.Id == fileId);
                (file.OwnerId, file.DepartmentId) = owners[name];
                return await db.SaveChangesAsync();
            });
        }

        // Shares: the sales record with the worker (read), the boss's with the reader (edit: someone
        // else's share), and a sharing rule opening the All role's records to the Boss role (read).
        var shares = new Dictionary<string, long>();
        foreach (var (name, with, access) in new[] { ("Salesrec", worker.Id, "read"), ("Bossrec", reader.Id, "edit") })
        {
            var shared = await admin.PostJsonAsync($"/api/v1/{key}/{ids[name]}/shares", $$"""{"userId":"{{with}}","access":"{{access}}"}""");
            Assert.True(shared.StatusCode == HttpStatusCode.Created, $"sharing {name}: {shared.StatusCode}");
            shares[name] = (await shared.ReadJsonAsync()).GetProperty("id").GetInt64();
        }

        var ruleAdded = await admin.PostJsonAsync("/api/v1/access/sharing-rules", $$"""{"module":"{{key}}","fromRoleId":{{allRole}},"toRoleId":{{bossRole}},"access":"read"}""");
        Assert.Equal(HttpStatusCode.Created, ruleAdded.StatusCode);
        var rule = (await ruleAdded.ReadJsonAsync()).GetProperty("id").GetInt32();

        // A custom field value on each record, and an admin-only one: what each user's answers carry of them.
        var witness = await FieldValueWitness.SetUpAsync(admin, key, ids);
        var version = witness is null ? 1 : 2;

        // Per user: the records their scope shows, those only a module rule shows them, and those only a share or a sharing rule (read) shows them.
        var expected = new Dictionary<string, (Guid Id, string[] Scoped, string[] ByRule, string[] Shared)>
        {
            ["worker@crm.test"] = (worker.Id, ["Northrec"], isTasks ? ["Allrec"] : [], ["Salesrec"]),
            ["boss@crm.test"] = (boss.Id, ["Bossrec", "Northrec"], [], ["Allrec"]),
            ["dept@crm.test"] = (dept.Id, ["Northrec", "Salesrec"], [], []),
            ["all@crm.test"] = (all.Id, ["Allrec", "Bossrec", "Northrec", "Salesrec"], [], []),
            // A memo's author and a task's responsible user always see it, even without any scope.
            ["none@crm.test"] = (none.Id, [], key is "memos" or "tasks" ? ["Salesrec"] : [], []),
        };

        if (witness is not null)
        {
            app.KeepAnswers();
        }

        foreach (var (email, (userId, scoped, byRule, sharedOnly)) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            var names = scoped.Concat(byRule).Concat(sharedOnly).Order(StringComparer.Ordinal).ToArray();
            var visible = names.Select(n => ids[n]).Order().ToList();
            Assert.Equal(visible, await client.ListIdsAsync($"/api/v1/{key}"));
            Assert.Equal(visible, await client.ListIdsAsync($"/api/v1/{key}?sort=id", pageSize: 1));
            Assert.Equal(visible, await client.ListIdsAsync($"/api/v1/{key}", pageSize: 1));
            Assert.Equal(visible, await client.ListIdsAsync($"/api/v1/{key}?search=REC", pageSize: 1));
            AssertNames(names, await LookupAsync(app, userId, key, "rec"), $"{email} lookup");
            AssertNames(names, await client.SearchAsync(key, "rec"), $"{email} search");

            var page = await (await client.Http.GetAsync(module.Page)).Content.ReadAsStringAsync();
            foreach (var (name, id) in ids)
            {
                var sees = names.Contains(name);
                var ruleOnly = byRule.Contains(name);
                var readShared = sharedOnly.Contains(name);
                Assert.Equal(sees, page.Contains(name, StringComparison.Ordinal));
                AssertNames(sees ? [name] : [], await client.SearchAsync(key, $"ID {id}"), $"{email} ID {id}");
                var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                foreach (var url in new[] { $"/api/v1/{key}/{id}", $"{module.Page}/{id}", $"/api/v1/files?module={key}&id={id}", $"/api/v1/{key}/{id}/history" })
                {
                    Assert.True(status == (await client.Http.GetAsync(url)).StatusCode, $"{email} {url}");
                }

                // The record's files: the file only where the scope shows the record (a rule shows the record, not its files).
                var fileSeen = scoped.Contains(name);
                if (sees)
                {
                    Assert.Equal(fileSeen ? [files[name]] : [], await client.ListIdsAsync($"/api/v1/files?module={key}&id={id}", pageSize: 1));
                    if (module.FilesPanel)
                    {
                        var details = await client.Http.GetStringAsync($"{module.Page}/{id}");
                        Assert.True(fileSeen == details.Contains($"doc-{name}.txt", StringComparison.Ordinal), $"{email} {module.Page}/{id} files panel");
                    }
                }

                // Changing needs more than seeing: a record shown only by a rule or a read share may not be deleted (403, not 404), nor edited but by a module rule that says so.
                var edit = !sees ? HttpStatusCode.NotFound : readShared ? HttpStatusCode.Forbidden : !ruleOnly || module.RuleSeenEditable ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
                var delete = !sees ? HttpStatusCode.NotFound : ruleOnly || readShared ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
                foreach (var (url, want) in new[] { ($"{module.Page}/{id}/edit", edit), ($"{module.Page}/{id}/delete", delete), ($"/api/v1/{key}/{id}/delete-impact", delete) })
                {
                    var got = (await client.Http.GetAsync(url)).StatusCode;
                    Assert.True(want == got, $"{email} {url}: {got}, not {want}");
                }

                if (sees && !ruleOnly && !readShared)
                {
                    // The record's file goes with it, named on the confirmation because the user sees it.
                    var impact = await (await client.Http.GetAsync($"/api/v1/{key}/{id}/delete-impact")).ReadJsonAsync();
                    Assert.Equal([(CrmModules.Files.Key, files[name])],
                        impact.GetProperty("alsoDeleted").EnumerateArray().Select(l => (l.GetProperty("module").GetString()!, l.GetProperty("id").GetInt32())));
                    Assert.Equal(0, impact.GetProperty("hiddenAlsoDeleted").GetInt32());
                }

                if (!sees)
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await client.PatchJsonAsync($"/api/v1/{key}/{id}", $$"""{"{{module.PatchField}}":"Changed","version":{{version}}}""")).StatusCode);
                    Assert.Equal(HttpStatusCode.NotFound, (await client.Http.DeleteAsync($"/api/v1/{key}/{id}")).StatusCode);
                }
                else if (ruleOnly || readShared)
                {
                    Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.DeleteAsync($"/api/v1/{key}/{id}")).StatusCode);
                    if (readShared)
                    {
                        Assert.Equal(HttpStatusCode.Forbidden, (await client.PatchJsonAsync($"/api/v1/{key}/{id}", $$"""{"{{module.PatchField}}":"Changed","version":{{version}}}""")).StatusCode);
                    }
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
            if (witness is not null)
            {
                FieldValueWitness.Check(email, app.TakeAnswers(), ids.Keys, names);
            }
        }

        // Removing the share and the rule bites on the next request: their records are 404s again, on the list too.
        var workerClient = await app.SignInAsync("worker@crm.test", Password);
        var bossClient = await app.SignInAsync("boss@crm.test", Password);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/{key}/{ids["Salesrec"]}/shares/{shares["Salesrec"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/access/sharing-rules/{rule}")).StatusCode);
        foreach (var (client, name) in new[] { (workerClient, "Salesrec"), (bossClient, "Allrec") })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync($"/api/v1/{key}/{ids[name]}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync($"{module.Page}/{ids[name]}")).StatusCode);
            Assert.DoesNotContain(ids[name], await client.ListIdsAsync($"/api/v1/{key}"));
        }

        // Every record is still there, unchanged since the administrator set its custom fields.
        Assert.Equal(4, await app.InDatabaseAsync(db => key switch
        {
            "leads" => db.Leads.CountAsync(r => r.Version == version),
            "products" => db.Products.CountAsync(r => r.Version == version),
            "memos" => db.Memos.CountAsync(r => r.Version == version),
            "contacts" => db.Contacts.CountAsync(r => r.Version == version),
            "tasks" => db.Tasks.CountAsync(r => r.Version == version),
            _ => db.LoggedEmails.CountAsync(r => r.Version == version),
        }));
        Assert.Equal(4, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(async db => await db.Leads.CountAsync(l => l.FirstName == "Changed")
            + await db.Products.CountAsync(p => p.Name == "Changed") + await db.LoggedEmails.CountAsync(e => e.Subject == "Changed")
            + await db.Memos.CountAsync(m => m.Title == "Changed") + await db.Contacts.CountAsync(c => c.FirstName == "Changed")
            + await db.Tasks.CountAsync(t => t.Title == "Changed")));
    }

    /// <summary>Each expected record is found exactly once (a label holds the record's name), and nothing else is.</summary>
    private static void AssertNames(string[] names, List<string> labels, string what)
    {
        Assert.True(names.Length == labels.Count, $"{what}: found {string.Join(", ", labels)}; expected {string.Join(", ", names)}");
        Assert.All(names, n => Assert.Single(labels, l => l.Contains(n, StringComparison.Ordinal)));
    }
}
