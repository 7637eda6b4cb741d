using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Memos;

public sealed class MemoTests
{
    private static async Task<List<string>> TitlesAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task<int> WriteAsync(PageClient client, string json)
    {
        var response = await client.PostJsonAsync("/api/v1/memos", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    private static async Task<int> VersionAsync(CrmApp app, int id) =>
        await app.InDatabaseAsync(db => db.Memos.Where(m => m.Id == id).Select(m => m.Version).SingleAsync());

    [Fact]
    public async Task The_memo_rules_hold_through_the_api_the_list_the_pages_and_the_lookup()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var support = await DepartmentAsync(app, "Support");
        // Writers may write, change and delete their memos but have no view scope: they see them as authors only.
        var writer = await RoleAsync(app, "Writer", null, AssignRecordsTo.AnyUser,
            (CrmModules.Memos.Key, PermissionAction.Create, Scope.Own), (CrmModules.Memos.Key, PermissionAction.Edit, Scope.Own), (CrmModules.Memos.Key, PermissionAction.Delete, Scope.Own));
        var nobody = await RoleAsync(app, "Nobody", null, AssignRecordsTo.AnyUser);
        var manager = await RoleAsync(app, "Manager", null, AssignRecordsTo.AnyUser, (CrmModules.Memos.Key, PermissionAction.View, Scope.All));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, (CrmModules.Memos.Key, PermissionAction.View, Scope.Department));
        var ann = await UserAsync(app, "ann@crm.test", writer, sales);
        var bob = await UserAsync(app, "bob@crm.test", nobody, support);
        var carl = await UserAsync(app, "carl@crm.test", manager, support);
        var dave = await UserAsync(app, "dave@crm.test", nobody, support);
        var dee = await UserAsync(app, "dee@crm.test", deptRole, sales);
        var deeSupport = await UserAsync(app, "dee2@crm.test", deptRole, support);
        var annClient = await app.SignInAsync("ann@crm.test", Password);
        var memo = await WriteAsync(annClient, $$"""{"title":"Budget request","body":"We need two more laptops.","recipientId":"{{bob.Id}}"}""");
        var draft = await WriteAsync(annClient, $$"""{"title":"Half-baked idea","body":"Not ready.","recipientId":"{{bob.Id}}","isDraft":true}""");

        var expected = new Dictionary<string, string[]>
        {
            ["ann@crm.test"] = ["Budget request", "Half-baked idea"],
            ["bob@crm.test"] = ["Budget request"],
            ["carl@crm.test"] = ["Budget request"],
            ["dee@crm.test"] = ["Budget request"],
            ["dee2@crm.test"] = [],
            ["dave@crm.test"] = [],
        };
        var ids = new Dictionary<string, int> { ["Budget request"] = memo, ["Half-baked idea"] = draft };
        foreach (var (email, titles) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            Assert.Equal(titles, await TitlesAsync(await client.Http.GetAsync("/api/v1/memos")));
            var page = await (await client.Http.GetAsync("/memos")).Content.ReadAsStringAsync();
            var user = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
            foreach (var (title, id) in ids)
            {
                var sees = titles.Contains(title);
                var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/memos/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/memos/{id}")).StatusCode);
                Assert.Equal(sees, page.Contains(title, StringComparison.Ordinal));
                using var scope = app.Services.CreateScope();
                var lookups = scope.ServiceProvider.GetRequiredService<RecordLookups>();
                Assert.Equal(sees, await lookups.FindAsync(FileKit.ActorFor(user), CrmModules.Memos.Key, id, default) is not null);
                Assert.Equal(sees, (await lookups.Of(CrmModules.Memos.Key)!.SearchAsync(FileKit.ActorFor(user), title, 5, default)).Count == 1);
            }
        }

        var bobClient = await app.SignInAsync("bob@crm.test", Password);
        Assert.Equal(["Budget request"], await TitlesAsync(await bobClient.Http.GetAsync("/api/v1/memos?box=to-review")));
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.PostJsonAsync($"/api/v1/memos/{draft}/review", """{"stage":"reviewed"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bobClient.PatchJsonAsync($"/api/v1/memos/{memo}", """{"title":"Bob's now","version":1}""")).StatusCode);
        var carlClient = await app.SignInAsync("carl@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await carlClient.PostJsonAsync($"/api/v1/memos/{memo}/review", """{"stage":"reviewed"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await bobClient.PostJsonAsync($"/api/v1/memos/{memo}/review", """{"stage":"pending"}""")).StatusCode);
        var (_, bobsPage) = await bobClient.GetPageAsync($"/memos/{memo}");
        Assert.NotNull(bobsPage.QuerySelector(".review-form"));
        Assert.Null(bobsPage.QuerySelector($"a[href='/memos/{memo}/edit']"));

        // Postponed: the author may still change it.
        Assert.Equal(HttpStatusCode.OK, (await bobClient.PostJsonAsync($"/api/v1/memos/{memo}/review", """{"stage":"postponed","comment":"Next week"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await annClient.PatchJsonAsync($"/api/v1/memos/{memo}", $$"""{"body":"We need three laptops.","version":{{await VersionAsync(app, memo)}}}""")).StatusCode);
        // Reviewed through the page's button: final for the author.
        var reviewed = await bobClient.SubmitAsync($"/memos/{memo}", new() { ["Comment"] = "Approved" }, ".review-form");
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        var (_, again) = await bobClient.GetPageAsync($"/memos/{memo}");
        var form = again.QuerySelector(".review-form");
        Assert.NotNull(form);
        var done = await bobClient.SubmitAsync(again, new() { ["Comment"] = "Approved", ["Stage"] = "reviewed" }, ".review-form");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var stored = await app.InDatabaseAsync(db => db.Memos.SingleAsync(m => m.Id == memo));
        Assert.Equal(Crm.Web.Features.Memos.MemoStage.Reviewed, stored.Stage);
        Assert.Equal("Approved", stored.ReviewComment);

        var refused = await annClient.PatchJsonAsync($"/api/v1/memos/{memo}", $$"""{"title":"Changed after review","version":{{stored.Version}}}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("reviewed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await annClient.Http.DeleteAsync($"/api/v1/memos/{memo}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await annClient.Http.GetAsync($"/api/v1/memos/{memo}/delete-impact")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await annClient.Http.GetAsync($"/memos/{memo}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await annClient.Http.GetAsync($"/api/v1/memos/{memo}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bobClient.PostJsonAsync($"/api/v1/memos/{memo}/review", """{"stage":"postponed"}""")).StatusCode);
        Assert.Equal("Budget request", await app.InDatabaseAsync(db => db.Memos.Where(m => m.Id == memo).Select(m => m.Title).SingleAsync()));

        // Still the author's to change while pending, and never with bad input.
        var bad = await annClient.PostJsonAsync("/api/v1/memos", $$"""{"title":"<b>x</b>","body":"","recipientId":"{{ann.Id}}","relatedModule":"companies","relatedId":12345}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(new HashSet<string> { "title", "body", "recipientId", "relatedId" }, (await ErrorFieldsAsync(bad)).ToHashSet());
        Assert.Equal(HttpStatusCode.BadRequest, (await annClient.Http.GetAsync("/api/v1/memos?cursor=broken!")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await annClient.PatchJsonAsync($"/api/v1/memos/{draft}", """{"title":"Stale","version":99}""")).StatusCode);
        Assert.Equal(2, await app.InDatabaseAsync(db => db.Memos.CountAsync()));
        Assert.Equal(HttpStatusCode.OK, (await annClient.PatchJsonAsync($"/api/v1/memos/{draft}", """{"isDraft":false,"version":1}""")).StatusCode);
        Assert.Contains("Half-baked idea", await TitlesAsync(await bobClient.Http.GetAsync("/api/v1/memos?box=to-review")));
        Assert.NotEqual(dave.Id, carl.Id);
        Assert.NotEqual(dee.Id, deeSupport.Id);
    }

    [Fact]
    public async Task A_task_made_from_a_memo_carries_its_files_and_deleting_the_memo_takes_everything_it_lists()
    {
        await using var app = new CrmApp();
        var all = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, Tasks.TaskTests.AllModules(Scope.Own));
        var ann = await UserAsync(app, "ann@crm.test", all);
        var bob = await UserAsync(app, "bob@crm.test", all);
        var client = await app.SignInAsync("ann@crm.test", Password);
        var adminId = await app.AdminIdAsync();
        var company = await CompanyAsync(app, "Acme", ann.Id, null);
        var memo = await WriteAsync(client, $$"""{"title":"Quote for Acme","body":"Please check the attached quote.","recipientId":"{{bob.Id}}","relatedModule":"companies","relatedId":{{company}}}""");
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync("memos", memo, "quote.pdf", "%PDF quote"u8.ToArray(), "application/pdf")).StatusCode);

        var created = await client.PostJsonAsync($"/api/v1/memos/{memo}/tasks", "{}");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        var taskRow = await app.InDatabaseAsync(db => db.Tasks.SingleAsync(t => t.Id == task));
        Assert.Equal(("memos", memo, "Quote for Acme"), (taskRow.RelatedModule, taskRow.RelatedId!.Value, taskRow.Title));
        var files = await app.InDatabaseAsync(db => db.FileObjects.OrderBy(f => f.Id).ToListAsync());
        Assert.Equal(2, files.Count);
        Assert.Equal(("tasks", task, "quote.pdf"), (files[1].RelatedModule, files[1].RelatedId, files[1].Name));
        Assert.Equal(files[0].Sha256, files[1].Sha256);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Contains("quote.pdf", await (await client.Http.GetAsync($"/tasks/{task}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Deleting the task removes its reference only.
        Assert.Equal(HttpStatusCode.NoContent, (await client.Http.DeleteAsync($"/api/v1/tasks/{task}")).StatusCode);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Single(FileKit.StoredPaths(app));

        // The page's button makes the next one.
        var (_, memoPage) = await client.GetPageAsync($"/memos/{memo}");
        var fromPage = await client.SubmitAsync(memoPage, new(), "form[action*='handler=Task']");
        Assert.Equal(HttpStatusCode.Redirect, fromPage.StatusCode);
        var secondTask = await app.InDatabaseAsync(db => db.Tasks.Select(t => t.Id).SingleAsync());
        var sub = await client.PostJsonAsync("/api/v1/tasks", $$"""{"title":"Sub-step","parentId":{{secondTask}}}""");
        Assert.Equal(HttpStatusCode.Created, sub.StatusCode);

        var impact = await (await client.Http.GetAsync($"/api/v1/memos/{memo}/delete-impact")).ReadJsonAsync();
        var labels = impact.GetProperty("alsoDeleted").EnumerateArray().Select(l => $"{l.GetProperty("module").GetString()}:{l.GetProperty("label").GetString()}").Order().ToList();
        Assert.Equal(["files:quote.pdf", "files:quote.pdf", "tasks:Quote for Acme", "tasks:Sub-step"], labels);
        var (_, confirmation) = await client.GetPageAsync($"/memos/{memo}/delete");
        var listed = confirmation.QuerySelector(".deleted-with-also")!.TextContent;
        Assert.Contains("Quote for Acme", listed, StringComparison.Ordinal);
        Assert.Contains("Sub-step", listed, StringComparison.Ordinal);
        Assert.Contains("quote.pdf", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(confirmation, new())).StatusCode);

        Assert.Equal(0, await app.InDatabaseAsync(db => db.Memos.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Tasks.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Empty(FileKit.StoredPaths(app));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Companies.CountAsync()));
        Assert.NotEqual(adminId, ann.Id);
    }
}
