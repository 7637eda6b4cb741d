using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Tasks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Tasks;

public sealed class TaskTests
{
    /// <summary>Every standard action on companies, contacts, tasks, memos and files with one scope.</summary>
    public static (string, string, Scope)[] AllModules(Scope scope) =>
    [
        .. new[] { CrmModules.Companies.Key, CrmModules.Contacts.Key, CrmModules.Tasks.Key, CrmModules.Memos.Key, CrmModules.Files.Key }
            .SelectMany(m => PermissionAction.Standard.Select(a => (m, a, scope))),
    ];

    private static async Task<List<string>> TitlesAsync(HttpResponseMessage response) =>
        [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<int> CreateAsync(PageClient client, string json)
    {
        var response = await client.PostJsonAsync("/api/v1/tasks", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task Each_scope_and_each_responsible_user_sees_exactly_their_tasks_on_every_path()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var support = await DepartmentAsync(app, "Support");
        var bossRole = await RoleAsync(app, "Boss", null, AssignRecordsTo.AnyUser, AllModules(Scope.Subordinates));
        var workerRole = await RoleAsync(app, "Worker", bossRole, AssignRecordsTo.AnyUser, AllModules(Scope.Own));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, AllModules(Scope.Department));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, AllModules(Scope.All));
        var ann = await UserAsync(app, "ann@crm.test", workerRole, sales);
        var bob = await UserAsync(app, "bob@crm.test", noneRole, support);
        await UserAsync(app, "boss@crm.test", bossRole, support);
        await UserAsync(app, "dept@crm.test", deptRole, sales);
        await UserAsync(app, "carl@crm.test", workerRole, support);
        await UserAsync(app, "all@crm.test", allRole, support);
        var annClient = await app.SignInAsync("ann@crm.test", Password);
        var annsTask = await CreateAsync(annClient, $$"""{"title":"Call the buyer","responsibleIds":["{{bob.Id}}"],"priority":"high","dueDate":"2026-12-01"}""");
        var annsOther = await CreateAsync(annClient, """{"title":"Write the offer"}""");

        var expected = new Dictionary<string, string[]>
        {
            ["ann@crm.test"] = ["Call the buyer", "Write the offer"],
            ["bob@crm.test"] = ["Call the buyer"],
            ["boss@crm.test"] = ["Call the buyer", "Write the offer"],
            ["dept@crm.test"] = ["Call the buyer", "Write the offer"],
            ["carl@crm.test"] = [],
            ["all@crm.test"] = ["Call the buyer", "Write the offer"],
        };
        var ids = new Dictionary<string, int> { ["Call the buyer"] = annsTask, ["Write the offer"] = annsOther };
        foreach (var (email, titles) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            Assert.Equal(titles, await TitlesAsync(await client.Http.GetAsync("/api/v1/tasks")));
            Assert.Equal(titles.Where(t => t.Contains("buyer", StringComparison.Ordinal)), await TitlesAsync(await client.Http.GetAsync("/api/v1/tasks?search=BUYER")));
            var page = await (await client.Http.GetAsync("/tasks")).Content.ReadAsStringAsync();
            var user = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
            foreach (var (title, id) in ids)
            {
                var sees = titles.Contains(title);
                var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/tasks/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/tasks/{id}")).StatusCode);
                Assert.Equal(sees, page.Contains(title, StringComparison.Ordinal));
                var impact = (await client.Http.GetAsync($"/api/v1/tasks/{id}/delete-impact")).StatusCode;
                // Bob is responsible, not the owner: he sees and edits the task but may not delete it.
                Assert.Equal(!sees ? HttpStatusCode.NotFound : email == "bob@crm.test" ? HttpStatusCode.Forbidden : HttpStatusCode.OK, impact);
                using var scope = app.Services.CreateScope();
                var lookup = scope.ServiceProvider.GetRequiredService<RecordLookups>();
                Assert.Equal(sees, await lookup.FindAsync(FileKit.ActorFor(user), CrmModules.Tasks.Key, id, default) is not null);
                Assert.Equal(sees, (await lookup.Of(CrmModules.Tasks.Key)!.SearchAsync(FileKit.ActorFor(user), title, 5, default)).Count == 1);
            }
        }

        var bobClient = await app.SignInAsync("bob@crm.test", Password);
        Assert.Equal(["Call the buyer"], await TitlesAsync(await bobClient.Http.GetAsync("/api/v1/tasks?responsible=me&status=open")));
        var done = await bobClient.PatchJsonAsync($"/api/v1/tasks/{annsTask}", """{"status":"done","version":1}""");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Empty(await TitlesAsync(await bobClient.Http.GetAsync("/api/v1/tasks?status=open")));
        Assert.Equal(HttpStatusCode.Forbidden, (await bobClient.Http.DeleteAsync($"/api/v1/tasks/{annsTask}")).StatusCode);
        var carl = await app.SignInAsync("carl@crm.test", Password);
        Assert.Equal(HttpStatusCode.NotFound, (await carl.PatchJsonAsync($"/api/v1/tasks/{annsTask}", """{"title":"Mine now","version":2}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carl.Http.DeleteAsync($"/api/v1/tasks/{annsTask}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carl.Http.GetAsync($"/tasks/{annsTask}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carl.Http.GetAsync($"/tasks/{annsTask}/delete")).StatusCode);
        Assert.Equal(2, await app.InDatabaseAsync(db => db.Tasks.CountAsync()));
    }

    [Fact]
    public async Task Bad_input_is_refused_per_field_and_changes_nothing()
    {
        await using var app = new CrmApp();
        var role = await RoleAsync(app, "Worker", null, AssignRecordsTo.AnyUser, AllModules(Scope.Own));
        var ann = await UserAsync(app, "ann@crm.test", role);
        var adminId = await app.AdminIdAsync();
        var hidden = await CompanyAsync(app, "Hidden", adminId, null);
        var inactive = await app.CreateUserAsync("gone@crm.test", Password);
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.FindAsync(inactive.Id))!.IsActive = false;
            return await db.SaveChangesAsync();
        });
        var client = await app.SignInAsync("ann@crm.test", Password);

        var bad = await client.PostJsonAsync("/api/v1/tasks",
            $$"""{"title":"<script>alert(1)</script>","dueDate":"31/12/2026","priority":"urgent","status":"maybe","responsibleIds":["{{inactive.Id}}"],"parentId":999,"relatedModule":"companies","relatedId":{{hidden}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(new HashSet<string> { "title", "dueDate", "priority", "status", "responsibleIds", "parentId", "relatedId" }, (await ErrorFieldsAsync(bad)).ToHashSet());
        var unknownModule = await client.PostJsonAsync("/api/v1/tasks", """{"title":"Fine","relatedModule":"spaceships","relatedId":1}""");
        Assert.NotEmpty(await unknownModule.FieldErrorsAsync("relatedId"));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync("/api/v1/tasks?cursor=%7Bbroken")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync("/api/v1/tasks?status=later")).StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Tasks.CountAsync()));

        var parent = await CreateAsync(client, """{"title":"Parent"}""");
        var child = await CreateAsync(client, $$"""{"title":"Child","parentId":{{parent}}}""");
        var grandChild = await CreateAsync(client, $$"""{"title":"Grandchild","parentId":{{child}}}""");
        var cycle = await client.PatchJsonAsync($"/api/v1/tasks/{parent}", $$"""{"parentId":{{grandChild}},"version":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.NotEmpty(await cycle.FieldErrorsAsync("parentId"));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PatchJsonAsync($"/api/v1/tasks/{parent}", $$"""{"parentId":{{parent}},"version":1}""")).StatusCode);
        Assert.Null(await app.InDatabaseAsync(db => db.Tasks.Where(t => t.Id == parent).Select(t => t.ParentId).SingleAsync()));

        Assert.Equal(HttpStatusCode.OK, (await client.PatchJsonAsync($"/api/v1/tasks/{parent}", """{"title":"Parent task","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PatchJsonAsync($"/api/v1/tasks/{parent}", """{"title":"Lost","version":1}""")).StatusCode);
        Assert.Equal("Parent task", await app.InDatabaseAsync(db => db.Tasks.Where(t => t.Id == parent).Select(t => t.Title).SingleAsync()));

        // The page form, with a field message in place.
        var (_, form) = await client.GetPageAsync("/tasks/new");
        var invalid = await client.SubmitAsync(form, new() { ["Input.Title"] = "", ["Input.DueDate"] = "tomorrow" });
        var (_, shown) = (invalid, await PageClient.ParseAsync(await invalid.Content.ReadAsStringAsync()));
        Assert.NotNull(shown.FieldError("Input.Title"));
        Assert.NotNull(shown.FieldError("Input.DueDate"));
        var saved = await client.SubmitAsync("/tasks/new", new() { ["Input.Title"] = "From the form", ["Input.DueDate"] = "2026-12-24", ["Input.Priority"] = "low" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var task = await app.InDatabaseAsync(db => db.Tasks.Include(t => t.Responsible).SingleAsync(t => t.Title == "From the form"));
        Assert.Equal(new DateOnly(2026, 12, 24), task.DueDate);
        Assert.Equal(TaskPriority.Low, task.Priority);
        Assert.Equal(ann.Id, Assert.Single(task.Responsible).UserId);
        Assert.Equal(ann.Id, task.OwnerId);
    }

    [Fact]
    public async Task Tasks_go_with_their_record_and_their_parent_and_the_confirmation_lists_them()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var company = await CompanyAsync(app, "Acme", adminId, null);
        var task = await CreateAsync(admin, $$"""{"title":"Visit Acme","relatedModule":"companies","relatedId":{{company}}}""");
        var sub = await CreateAsync(admin, $$"""{"title":"Book the train","parentId":{{task}}}""");
        Assert.Equal(HttpStatusCode.Created, (await admin.UploadAsync("tasks", sub, "ticket.pdf", "ticket"u8.ToArray())).StatusCode);
        var other = await CreateAsync(admin, """{"title":"Unrelated"}""");

        var (_, taskPage) = await admin.GetPageAsync($"/tasks/{task}");
        Assert.Contains("Book the train", taskPage.QuerySelector(".sub-tasks")!.TextContent, StringComparison.Ordinal);
        Assert.Contains($"ID {task}", taskPage.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(taskPage.QuerySelector($"a[href='/history/tasks/{task}']"));

        var (_, confirmation) = await admin.GetPageAsync($"/companies/{company}/delete");
        var listed = confirmation.QuerySelector(".deleted-with-also")!.TextContent;
        Assert.Contains("Visit Acme", listed, StringComparison.Ordinal);
        Assert.Contains("Book the train", listed, StringComparison.Ordinal);
        Assert.Contains("ticket.pdf", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(confirmation, new())).StatusCode);
        Assert.Equal([other], await app.InDatabaseAsync(db => db.Tasks.Select(t => t.Id).ToListAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.TaskResponsibles.CountAsync(r => r.TaskId != other)));

        var parent = await CreateAsync(admin, """{"title":"Parent"}""");
        await CreateAsync(admin, $$"""{"title":"Child","parentId":{{parent}}}""");
        var impact = await (await admin.Http.GetAsync($"/api/v1/tasks/{parent}/delete-impact")).ReadJsonAsync();
        Assert.Equal("Child", Assert.Single(impact.GetProperty("alsoDeleted").EnumerateArray()).GetProperty("label").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/tasks/{parent}")).StatusCode);
        Assert.Equal([other], await app.InDatabaseAsync(db => db.Tasks.Select(t => t.Id).ToListAsync()));
    }

    [Fact]
    public async Task A_company_transfer_with_open_tasks_moves_only_the_open_tasks_of_those_companies()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var role = await RoleAsync(app, "Worker", null, AssignRecordsTo.AnyUser, AllModules(Scope.Own));
        var from = await UserAsync(app, "from@crm.test", role);
        var to = await UserAsync(app, "to@crm.test", role, sales);
        var moved = await CompanyAsync(app, "Moved", from.Id, null);
        var kept = await CompanyAsync(app, "Kept", from.Id, null);
        var ids = await app.InDatabaseAsync(async db =>
        {
            CrmTask Task(string title, TaskState state, int company) => new()
            {
                Title = title, Status = state, RelatedModule = CrmModules.Companies.Key, RelatedId = company, OwnerId = from.Id, Version = 1,
                Responsible = [new TaskResponsible { UserId = from.Id }],
            };
            var tasks = new[] { Task("open", TaskState.Open, moved), Task("busy", TaskState.InProgress, moved), Task("done", TaskState.Done, moved), Task("cancelled", TaskState.Cancelled, moved), Task("other company", TaskState.Open, kept) };
            db.Tasks.AddRange(tasks);
            await db.SaveChangesAsync();
            return tasks.ToDictionary(t => t.Title, t => t.Id);
        });

        // Through the one transfer service, as the company list's mass action and the API use it.
        var admin = await app.SignInAsAdminAsync();
        var response = await admin.Http.PostAsJsonAsync("/api/v1/companies/transfer", new { companyIds = new[] { moved }, newOwnerId = to.Id, openTasks = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var count = (await response.ReadJsonAsync()).GetProperty("tasks").GetInt32();

        Assert.Equal(2, count);
        var owners = await app.InDatabaseAsync(db => db.Tasks.ToDictionaryAsync(t => t.Title, t => new { t.OwnerId, t.DepartmentId, t.Version }));
        Assert.Equal(to.Id, owners["open"].OwnerId);
        Assert.Equal(sales, owners["open"].DepartmentId);
        Assert.Equal(2, owners["open"].Version);
        Assert.Equal(to.Id, owners["busy"].OwnerId);
        Assert.Equal(from.Id, owners["done"].OwnerId);
        Assert.Equal(from.Id, owners["cancelled"].OwnerId);
        Assert.Equal(from.Id, owners["other company"].OwnerId);
        Assert.Equal(1, owners["done"].Version);
        Assert.Equal(5, ids.Count);
    }
}
