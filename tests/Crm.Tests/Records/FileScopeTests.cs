using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Tasks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>
/// Files per scope on every path. A file object is visible when the engine lets the user view the
/// file (module "files", by the file's own owner and department) AND the user may view the record it
/// is attached to (that module's rule, a task's responsible users included). Each scope (own,
/// subordinates, department, all, none) and two split grants (files everywhere but records of the
/// department; records everywhere but no files) see exactly their files through the list (API, every
/// page, list page), the detail (API and page), the content (API and download page), the delete page
/// and delete-impact, the record's files (API and its page's panel), the lookup, the global search by
/// text and by "ID n", and the CSV and xlsx exports; everything else is a 404 and DELETE changes nothing.
/// </summary>
[Slow]
public sealed class FileScopeTests
{
    private static (string, string, Scope)[] Grants(Scope records, Scope? files) =>
    [
        .. new[] { CrmModules.Contacts.Key, CrmModules.Tasks.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, records))),
        .. files is { } f ? PermissionAction.Standard.Select(a => (CrmModules.Files.Key, a, f)) : [],
    ];

    private static Task<int> TaskAsync(CrmApp app, string title, Guid owner, int department, params Guid[] responsible) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var task = new CrmTask
            {
                Title = title, OwnerId = owner, DepartmentId = department, CreatedAt = now, ModifiedAt = now, Version = 1,
                Responsible = [.. responsible.Select(u => new TaskResponsible { UserId = u })],
            };
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
            return task.Id;
        });

    [Fact]
    public async Task Each_scope_sees_exactly_the_files_it_may_view_on_records_it_may_view_through_every_path()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var north = await DepartmentAsync(app, "Sales North", sales);
        var support = await DepartmentAsync(app, "Support");
        var bossRole = await RoleAsync(app, "Boss", null, AssignRecordsTo.AnyUser, Grants(Scope.Subordinates, Scope.Subordinates));
        var workerRole = await RoleAsync(app, "Worker", bossRole, AssignRecordsTo.AnyUser, Grants(Scope.Own, Scope.Own));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Grants(Scope.Department, Scope.Department));
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, Grants(Scope.All, Scope.All));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var mixedRole = await RoleAsync(app, "Files everywhere", null, AssignRecordsTo.AnyUser, Grants(Scope.Department, Scope.All));
        var noFilesRole = await RoleAsync(app, "No files", null, AssignRecordsTo.AnyUser, Grants(Scope.All, null));
        var worker = await UserAsync(app, "worker@crm.test", workerRole, north);
        var boss = await UserAsync(app, "boss@crm.test", bossRole, support);
        var dept = await UserAsync(app, "dept@crm.test", deptRole, sales);
        var all = await UserAsync(app, "all@crm.test", allRole, support);
        var none = await UserAsync(app, "none@crm.test", noneRole, sales);
        var mixed = await UserAsync(app, "mixed@crm.test", mixedRole, sales);
        var noFiles = await UserAsync(app, "nofiles@crm.test", noFilesRole, support);

        var records = new Dictionary<string, (string Module, int Id)>
        {
            ["NorthC"] = ("contacts", await ContactAsync(app, "Nora", "North", null, worker.Id, north)),
            ["BossC"] = ("contacts", await ContactAsync(app, "Bert", "Boss", null, boss.Id, support)),
            ["AllC"] = ("contacts", await ContactAsync(app, "Alma", "All", null, all.Id, support)),
            ["SalesC"] = ("contacts", await ContactAsync(app, "Sina", "Sales", null, none.Id, sales)),
            // The worker is responsible for the all user's task, so the task (not its scope) is visible to them.
            ["AllT"] = ("tasks", await TaskAsync(app, "All's task", all.Id, support, all.Id, worker.Id)),
        };

        // Each file's owner and department decide the files scope; the record it hangs on decides the rest.
        var layout = new (string File, CrmUserRef Owner, string Record)[]
        {
            ("doc-w-north.txt", new(worker.Id, north), "NorthC"),
            ("doc-a-north.txt", new(all.Id, support), "NorthC"),
            ("doc-n-north.txt", new(none.Id, sales), "NorthC"),
            ("doc-w-all.txt", new(worker.Id, north), "AllC"),
            ("doc-a-all.txt", new(all.Id, support), "AllC"),
            ("doc-b-boss.txt", new(boss.Id, support), "BossC"),
            ("doc-n-sales.txt", new(none.Id, sales), "SalesC"),
            ("doc-w-task.txt", new(worker.Id, north), "AllT"),
            ("doc-a-task.txt", new(all.Id, support), "AllT"),
        };
        var admin = await app.SignInAsAdminAsync();
        var files = new Dictionary<string, int>();
        foreach (var (name, owner, record) in layout)
        {
            var upload = await admin.UploadAsync(records[record].Module, records[record].Id, name, System.Text.Encoding.UTF8.GetBytes("content of " + name));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            var id = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();
            files[name] = id;
            await app.InDatabaseAsync(async db =>
            {
                var file = await db.FileObjects.SingleAsync(f => f.Id == id);
                (file.OwnerId, file.DepartmentId) = (owner.Id, owner.Department);
                return await db.SaveChangesAsync();
            });
        }

        var expected = new Dictionary<string, (Guid Id, string[] Records, string[] Files)>
        {
            // Own files: not the one on the all user's contact; the task's through the responsible rule.
            ["worker@crm.test"] = (worker.Id, ["AllT", "NorthC"], ["doc-w-north.txt", "doc-w-task.txt"]),
            // The boss's and the worker's files, on the boss's and the worker's records only.
            ["boss@crm.test"] = (boss.Id, ["BossC", "NorthC"], ["doc-b-boss.txt", "doc-w-north.txt"]),
            // Files of Sales and Sales North on records of Sales and Sales North.
            ["dept@crm.test"] = (dept.Id, ["NorthC", "SalesC"], ["doc-n-north.txt", "doc-n-sales.txt", "doc-w-north.txt"]),
            ["all@crm.test"] = (all.Id, [.. records.Keys], [.. files.Keys]),
            ["none@crm.test"] = (none.Id, [], []),
            // Every file, but only on the records of the department.
            ["mixed@crm.test"] = (mixed.Id, ["NorthC", "SalesC"], ["doc-a-north.txt", "doc-n-north.txt", "doc-n-sales.txt", "doc-w-north.txt"]),
            // Every record, but no file.
            ["nofiles@crm.test"] = (noFiles.Id, [.. records.Keys], []),
        };

        foreach (var (email, (userId, seenRecords, seenFiles)) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            var mayExport = email is not ("none@crm.test" or "nofiles@crm.test");
            var visible = seenFiles.Select(f => files[f]).Order().ToList();
            Assert.Equal(visible, await client.ListIdsAsync("/api/v1/files"));
            Assert.Equal(visible, await client.ListIdsAsync("/api/v1/files", pageSize: 1));
            Assert.Equal(visible, await client.ListIdsAsync("/api/v1/files?sort=id", pageSize: 1));
            Assert.Equal(visible, await client.ListIdsAsync("/api/v1/files?search=DOC", pageSize: 2));
            Assert.Equal([.. seenFiles.Order(StringComparer.Ordinal)], await LookupAsync(app, userId, CrmModules.Files.Key, "doc"));
            Assert.Equal([.. seenFiles.Order(StringComparer.Ordinal)], (await client.SearchAsync(CrmModules.Files.Key, "doc")).Order(StringComparer.Ordinal));

            var listPage = await (await client.Http.GetAsync("/files")).Content.ReadAsStringAsync();
            foreach (var (name, id) in files)
            {
                var sees = seenFiles.Contains(name);
                var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                Assert.True(sees == listPage.Contains(name, StringComparison.Ordinal), $"{email} /files {name}");
                Assert.Equal(sees ? [name] : [], await client.SearchAsync(CrmModules.Files.Key, $"ID {id}"));
                foreach (var url in new[] { $"/api/v1/files/{id}", $"/files/{id}", $"/files/{id}/delete", $"/api/v1/files/{id}/delete-impact" })
                {
                    var got = (await client.Http.GetAsync(url)).StatusCode;
                    Assert.True(status == got, $"{email} {url}: {got}");
                }

                // The content is served only to those who may see the file, and it is that file's content.
                foreach (var url in new[] { $"/api/v1/files/{id}/content", $"/files/{id}/download" })
                {
                    var download = await client.Http.GetAsync(url);
                    Assert.True(status == download.StatusCode, $"{email} {url}: {download.StatusCode}");
                    var body = await download.Content.ReadAsStringAsync();
                    Assert.True(sees == (body == "content of " + name), $"{email} {url} content");
                }

                if (!sees)
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await client.Http.DeleteAsync($"/api/v1/files/{id}")).StatusCode);
                }
            }

            // The files of one record: a 404 for a record out of sight, else exactly the visible files on it (API and the record's page).
            foreach (var (record, (module, recordId)) in records)
            {
                var onRecord = layout.Where(l => l.Record == record && seenFiles.Contains(l.File)).Select(l => files[l.File]).Order().ToList();
                var url = $"/api/v1/files?module={module}&id={recordId}";
                var export = await client.ExportAsync($"/api/v1/files/export?module={module}&id={recordId}", "csv");
                if (!seenRecords.Contains(record))
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(url)).StatusCode);
                    Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync($"/{module}/{recordId}")).StatusCode);
                    // Without the export permission the answer is a 403 whatever the record, so it tells nothing about it.
                    Assert.Equal(mayExport ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden, export.Status);
                    continue;
                }

                Assert.Equal(mayExport ? HttpStatusCode.OK : HttpStatusCode.Forbidden, export.Status);
                Assert.Equal(onRecord, mayExport ? export.Ids : []);
                Assert.Equal(onRecord, await client.ListIdsAsync(url, pageSize: 1));

                // Deleting the record names the files on it the user may see and only counts the others.
                var impact = await client.Http.GetAsync($"/api/v1/{module}/{recordId}/delete-impact");
                var byRuleOnly = email == "worker@crm.test" && record == "AllT";
                Assert.Equal(byRuleOnly ? HttpStatusCode.Forbidden : HttpStatusCode.OK, impact.StatusCode);
                if (!byRuleOnly)
                {
                    var json = await impact.ReadJsonAsync();
                    var named = json.GetProperty("alsoDeleted").EnumerateArray().ToList();
                    Assert.All(named, l => Assert.Equal(CrmModules.Files.Key, l.GetProperty("module").GetString()));
                    Assert.Equal(onRecord, named.Select(l => l.GetProperty("id").GetInt32()).Order());
                    Assert.Equal(layout.Count(l => l.Record == record) - onRecord.Count, json.GetProperty("hiddenAlsoDeleted").GetInt32());
                    var confirmation = await client.Http.GetStringAsync($"/{module}/{recordId}/delete");
                    foreach (var (file, _, _) in layout.Where(l => l.Record == record))
                    {
                        Assert.True(onRecord.Contains(files[file]) == confirmation.Contains(file, StringComparison.Ordinal), $"{email} /{module}/{recordId}/delete {file}");
                    }
                }
                var page = await client.Http.GetStringAsync($"/{module}/{recordId}");
                foreach (var (file, _, _) in layout.Where(l => l.Record == record))
                {
                    Assert.True(onRecord.Contains(files[file]) == page.Contains(file, StringComparison.Ordinal), $"{email} /{module}/{recordId} panel {file}");
                }
            }

            foreach (var format in new[] { "csv", "xlsx" })
            {
                var export = await client.ExportAsync("/api/v1/files/export", format);
                if (!mayExport)
                {
                    // Without the files grant there is no export permission either.
                    Assert.Equal(HttpStatusCode.Forbidden, export.Status);
                    continue;
                }

                Assert.Equal(HttpStatusCode.OK, export.Status);
                Assert.Equal(visible, export.Ids);
                var onNorth = await client.ExportAsync($"/api/v1/files/export?module=contacts&id={records["NorthC"].Id}", format);
                Assert.Equal(layout.Where(l => l.Record == "NorthC" && seenFiles.Contains(l.File)).Select(l => files[l.File]).Order(), onNorth.Ids);
            }
        }

        Assert.Equal(files.Count, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Equal(files.Count, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
    }

    private sealed record CrmUserRef(Guid Id, int Department);
}
