using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Departments;
using Crm.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Departments;

/// <summary><c>/api/v1/departments</c> over HTTP with an administrator's (or a staff member's) session.</summary>
public sealed class DepartmentApiTests
{
    [Fact]
    public async Task Create_read_list_update_and_delete()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var created = await admin.PostJsonAsync("/api/v1/departments", """{"name":"Company"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var company = await created.ReadJsonAsync();
        var companyId = company.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/departments/{companyId}", created.Headers.Location!.OriginalString);

        var sales = await (await admin.PostJsonAsync("/api/v1/departments", $$"""{"name":"Sales","parentId":{{companyId}},"email":"sales@example.com"}""")).ReadJsonAsync();
        var salesId = sales.GetProperty("id").GetInt32();
        var europe = await (await admin.PostJsonAsync("/api/v1/departments", $$"""{"name":"Europe","parentId":{{salesId}}}""")).ReadJsonAsync();
        Assert.Equal("Company / Sales / Europe", europe.GetProperty("path").GetString());
        Assert.Equal(2, europe.GetProperty("depth").GetInt32());

        var list = await (await admin.Http.GetAsync("/api/v1/departments")).ReadJsonAsync();
        Assert.Equal(["Company", "Sales", "Europe"], list.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal([0, 1, 2], list.EnumerateArray().Select(d => d.GetProperty("depth").GetInt32()));
        Assert.Equal(1, list[0].GetProperty("subDepartmentCount").GetInt32());

        var read = await (await admin.Http.GetAsync($"/api/v1/departments/{salesId}")).ReadJsonAsync();
        Assert.Equal("sales@example.com", read.GetProperty("email").GetString());
        Assert.Equal(companyId, read.GetProperty("parentId").GetInt32());

        var renamed = await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", """{"name":"Sales & Marketing"}""");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Company / Sales & Marketing", (await renamed.ReadJsonAsync()).GetProperty("path").GetString());

        var europeId = europe.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/departments/{europeId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync($"/api/v1/departments/{europeId}")).StatusCode);

        var log = await app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == ActivityKinds.DepartmentChanged).OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync());
        Assert.Equal(
        [
            "Created department 'Company' at the top level.",
            "Created department 'Sales' under 'Company', email sales@example.com.",
            "Created department 'Europe' under 'Sales'.",
            "Changed department 'Sales': name 'Sales' → 'Sales & Marketing'.",
            "Deleted department 'Europe'.",
        ], log);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_given_and_null_clears_a_field()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var companyId = await CreateAsync(admin, """{"name":"Company"}""");
        var salesId = await CreateAsync(admin, $$"""{"name":"Sales","parentId":{{companyId}},"email":"sales@example.com"}""");

        var emailOnly = await (await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", """{"email":"team@example.com"}""")).ReadJsonAsync();
        Assert.Equal("Sales", emailOnly.GetProperty("name").GetString());
        Assert.Equal(companyId, emailOnly.GetProperty("parentId").GetInt32());
        Assert.Equal("team@example.com", emailOnly.GetProperty("email").GetString());

        var parentCleared = await (await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", """{"parentId":null}""")).ReadJsonAsync();
        Assert.Equal(JsonValueKind.Null, parentCleared.GetProperty("parentId").ValueKind);
        Assert.Equal("team@example.com", parentCleared.GetProperty("email").GetString());

        var nothing = await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", "{}");
        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);

        var wrongType = await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", """{"parentId":"Company"}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(["This value has the wrong type."], await wrongType.FieldErrorsAsync("parentId"));

        var notAnObject = await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", "[1]");
        Assert.Equal(HttpStatusCode.BadRequest, notAnObject.StatusCode);
        var notJson = await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", "{name:");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        var emptyName = await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", """{"name":null}""");
        Assert.Equal(["Name is required."], await emptyName.FieldErrorsAsync("name"));

        var department = await app.InDatabaseAsync(db => db.Departments.SingleAsync(d => d.Id == salesId));
        Assert.Equal(("Sales", null, "team@example.com"), (department.Name, department.ParentId, department.Email));
        // Two real changes, two entries; the empty patch and the refusals wrote none.
        Assert.Equal(4, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.DepartmentChanged)));
    }

    [Fact]
    public async Task Extra_fields_such_as_id_and_created_at_are_ignored()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var created = await admin.PostJsonAsync("/api/v1/departments",
            """{"id":4242,"name":"Sales","createdAt":"2001-01-01T00:00:00Z","memberCount":99,"path":"Evil / Sales","depth":7}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt32();
        Assert.NotEqual(4242, id);
        Assert.Equal("Sales", body.GetProperty("path").GetString());
        Assert.Equal(0, body.GetProperty("memberCount").GetInt32());

        var patched = await admin.PatchJsonAsync($"/api/v1/departments/{id}", """{"id":1,"createdAt":"2001-01-01T00:00:00Z","email":"s@example.com"}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var stored = await app.InDatabaseAsync(db => db.Departments.SingleAsync());
        Assert.Equal(id, stored.Id);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, stored.CreatedAt);
        Assert.Equal("s@example.com", stored.Email);
    }

    [Fact]
    public async Task Bad_input_gets_400_with_field_messages_and_changes_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var salesId = await CreateAsync(admin, """{"name":"Sales"}""");
        var europeId = await CreateAsync(admin, $$"""{"name":"Europe","parentId":{{salesId}}}""");

        async Task<IReadOnlyList<string>> Refused(HttpResponseMessage response, string field)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            return await response.FieldErrorsAsync(field);
        }

        Assert.Equal(["Name is required."], await Refused(await admin.PostJsonAsync("/api/v1/departments", "{}"), "name"));
        Assert.Equal(["Name must be at most 100 characters."],
            await Refused(await admin.PostJsonAsync("/api/v1/departments", JsonSerializer.Serialize(new { name = new string('a', 10_240) })), "name"));
        Assert.Equal(["Name cannot contain HTML tags."],
            await Refused(await admin.PostJsonAsync("/api/v1/departments", """{"name":"<script>alert(1)</script>"}"""), "name"));
        Assert.Equal(["There is already a department called 'Sales'. Department names must be unique."],
            await Refused(await admin.PostJsonAsync("/api/v1/departments", """{"name":"sales"}"""), "name"));
        Assert.Equal(["Email must be an email address, like name@example.com."],
            await Refused(await admin.PostJsonAsync("/api/v1/departments", """{"name":"Support","email":"<script>@x"}"""), "email"));
        Assert.StartsWith("The parent department does not exist",
            (await Refused(await admin.PostJsonAsync("/api/v1/departments", """{"name":"Support","parentId":4242}"""), "parentId")).Single(), StringComparison.Ordinal);
        Assert.Equal(["'Europe' is inside 'Sales': a department cannot be placed under one of its own sub-departments."],
            await Refused(await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", $$"""{"parentId":{{europeId}}}"""), "parentId"));
        Assert.Equal(["A department cannot be its own parent."],
            await Refused(await admin.PatchJsonAsync($"/api/v1/departments/{salesId}", $$"""{"parentId":{{salesId}}}"""), "parentId"));
        Assert.Equal(["There is already a department called 'Sales'. Department names must be unique."],
            await Refused(await admin.PatchJsonAsync($"/api/v1/departments/{europeId}", """{"name":"SALES"}"""), "name"));

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/departments", "{not json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/departments", """{"name":"X","parentId":"one"}""")).StatusCode);

        Assert.Equal(["Europe", "Sales"], await app.InDatabaseAsync(db => db.Departments.OrderBy(d => d.Name).Select(d => d.Name).ToListAsync()));
        Assert.Null(await app.InDatabaseAsync(db => db.Departments.Where(d => d.Id == salesId).Select(d => d.ParentId).SingleAsync()));
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems_and_a_blocked_delete_is_a_409_problem()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var salesId = await CreateAsync(admin, """{"name":"Sales"}""");
        await CreateAsync(admin, $$"""{"name":"Europe","parentId":{{salesId}}}""");
        var supportId = await CreateAsync(admin, """{"name":"Support"}""");
        var ann = await app.CreateUserAsync("ann@crm.test", "a good long passphrase");
        await app.InDatabaseAsync(db =>
        {
            db.UserDepartments.Add(new UserDepartment { UserId = ann.Id, DepartmentId = supportId, IsPrimary = true });
            return db.SaveChangesAsync();
        });

        foreach (var response in new[]
        {
            await admin.Http.GetAsync("/api/v1/departments/4242"),
            await admin.PatchJsonAsync("/api/v1/departments/4242", """{"name":"X"}"""),
            await admin.Http.DeleteAsync("/api/v1/departments/4242"),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        var withChild = await admin.Http.DeleteAsync($"/api/v1/departments/{salesId}");
        Assert.Equal(HttpStatusCode.Conflict, withChild.StatusCode);
        Assert.Equal("'Sales' cannot be deleted while it has 1 sub-department. Move them to another department first.",
            (await withChild.ReadJsonAsync()).GetProperty("title").GetString());

        var withMember = await admin.Http.DeleteAsync($"/api/v1/departments/{supportId}");
        Assert.Equal(HttpStatusCode.Conflict, withMember.StatusCode);
        Assert.Contains("1 member", (await withMember.ReadJsonAsync()).GetProperty("title").GetString(), StringComparison.Ordinal);

        Assert.Equal(3, await app.InDatabaseAsync(db => db.Departments.CountAsync()));
    }

    [Fact]
    public async Task Staff_get_403_from_every_department_endpoint()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var salesId = await CreateAsync(admin, """{"name":"Sales"}""");
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/departments")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/api/v1/departments/{salesId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync("/api/v1/departments", """{"name":"Mine"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PatchJsonAsync($"/api/v1/departments/{salesId}", """{"name":"Mine"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.DeleteAsync($"/api/v1/departments/{salesId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().Http.GetAsync("/api/v1/departments")).StatusCode);

        Assert.Equal("Sales", await app.InDatabaseAsync(db => db.Departments.Select(d => d.Name).SingleAsync()));
    }

    [Fact]
    public async Task Every_department_endpoint_declares_the_administrator_policy()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1/departments", StringComparison.Ordinal)).ToList();

        Assert.Equal(5, endpoints.Count);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == Policies.Administrator));
    }

    [Fact]
    public async Task The_use_cases_refuse_a_caller_who_is_not_an_administrator_even_behind_the_policy()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var staff = new Actor(ActorKind.User, Guid.NewGuid(), IsAdministrator: false, "Staff");
        var previewingAdmin = new Actor(ActorKind.User, Guid.NewGuid(), IsAdministrator: true, "Admin") { IsPreview = true };

        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<ListDepartments>().RunAsync(staff, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<ReadDepartment>().RunAsync(staff, 1, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden,
            (await services.GetRequiredService<SaveDepartment>().RunAsync(staff, null, new DepartmentInput("X", null, null), DepartmentFields.All, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden,
            (await services.GetRequiredService<SaveDepartment>().RunAsync(previewingAdmin, null, new DepartmentInput("X", null, null), DepartmentFields.All, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<DeleteDepartment>().RunAsync(staff, 1, default)).Outcome);
        Assert.False(await app.InDatabaseAsync(db => db.Departments.AnyAsync()));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_department_endpoints()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var document = await (await admin.Http.GetAsync("/api/v1/openapi.json")).ReadJsonAsync();
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/departments", out var collection));
        Assert.True(collection.TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/v1/departments/{id}").TryGetProperty("patch", out var patch));
        Assert.True(patch.TryGetProperty("requestBody", out _));
    }

    private static async Task<int> CreateAsync(PageClient client, string json)
    {
        var response = await client.PostJsonAsync("/api/v1/departments", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }
}
