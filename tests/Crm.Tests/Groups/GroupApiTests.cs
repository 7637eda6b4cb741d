using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Groups;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Groups;

/// <summary><c>/api/v1/groups</c> over HTTP with an administrator's (or a staff member's) session.</summary>
public sealed class GroupApiTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task Create_read_list_update_and_delete()
    {
        await using var app = new CrmApp();
        var ann = await app.CreateUserAsync("ann@crm.test", Password, name: "Ann Baker");
        var bob = await app.CreateUserAsync("bob@crm.test", Password, name: "Bob Stone");
        var admin = await app.SignInAsAdminAsync();

        var created = await admin.PostJsonAsync("/api/v1/groups", $$"""{"name":"Key accounts","description":"Largest customers","memberIds":["{{ann.Id}}","{{ann.Id}}"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = await created.ReadJsonAsync();
        var id = group.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/groups/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal(["ann@crm.test"], group.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("email").GetString()));

        await (await admin.PostJsonAsync("/api/v1/groups", """{"name":"after hours"}""")).ReadJsonAsync();
        var list = await (await admin.Http.GetAsync("/api/v1/groups")).ReadJsonAsync();
        Assert.Equal(["after hours", "Key accounts"], list.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.Equal(1, list[1].GetProperty("memberCount").GetInt32());

        var changed = await admin.PatchJsonAsync($"/api/v1/groups/{id}", $$"""{"memberIds":["{{bob.Id}}"]}""");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var read = await (await admin.Http.GetAsync($"/api/v1/groups/{id}")).ReadJsonAsync();
        Assert.Equal("Key accounts", read.GetProperty("name").GetString());
        Assert.Equal("Largest customers", read.GetProperty("description").GetString());
        Assert.Equal([bob.Id], read.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/groups/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync($"/api/v1/groups/{id}")).StatusCode);

        var log = await app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == ActivityKinds.GroupChanged).OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync());
        Assert.Equal(
        [
            "Created group 'Key accounts' with 1 member: Ann Baker.",
            "Created group 'after hours' with 0 members.",
            "Changed group 'Key accounts': added Bob Stone; removed Ann Baker.",
            "Deleted group 'Key accounts' with 1 member and 0 grants.",
        ], log);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_given_and_leaves_grants_alone()
    {
        await using var app = new CrmApp();
        var ann = await app.CreateUserAsync("ann@crm.test", Password);
        var admin = await app.SignInAsAdminAsync();
        var id = await CreateAsync(admin, $$"""{"name":"Key accounts","description":"Largest customers","memberIds":["{{ann.Id}}"]}""");
        await app.InDatabaseAsync(db =>
        {
            db.GroupGrants.Add(new Crm.Web.Features.Groups.GroupGrant { GroupId = id, Module = "deals", Action = "edit", Scope = Scope.Department });
            return db.SaveChangesAsync();
        });

        var described = await (await admin.PatchJsonAsync($"/api/v1/groups/{id}", """{"description":"The top 50 customers"}""")).ReadJsonAsync();
        Assert.Equal("Key accounts", described.GetProperty("name").GetString());
        Assert.Single(described.GetProperty("members").EnumerateArray());
        Assert.Equal(1, described.GetProperty("grantCount").GetInt32());

        var renamed = await (await admin.PatchJsonAsync($"/api/v1/groups/{id}", """{"name":"KAM"}""")).ReadJsonAsync();
        Assert.Equal("The top 50 customers", renamed.GetProperty("description").GetString());

        var emptied = await (await admin.PatchJsonAsync($"/api/v1/groups/{id}", """{"memberIds":[],"description":null}""")).ReadJsonAsync();
        Assert.Empty(emptied.GetProperty("members").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, emptied.GetProperty("description").ValueKind);
        Assert.Equal("KAM", emptied.GetProperty("name").GetString());

        var wrongType = await admin.PatchJsonAsync($"/api/v1/groups/{id}", """{"memberIds":"everyone"}""");
        Assert.Equal(["This value has the wrong type."], await wrongType.FieldErrorsAsync("memberIds"));

        Assert.Single(await app.InDatabaseAsync(db => db.GroupGrants.Where(g => g.GroupId == id).ToListAsync()));
    }

    [Fact]
    public async Task Extra_fields_such_as_id_and_grants_are_ignored()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var created = await admin.PostJsonAsync("/api/v1/groups",
            """{"id":4242,"name":"Key accounts","grantCount":9,"grants":[{"module":"deals","action":"delete","scope":"All"}],"members":[{"userId":"00000000-0000-0000-0000-000000000001"}]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.NotEqual(4242, id);

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/groups/{id}", """{"id":1,"grants":[{"module":"x","action":"y"}]}""")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.GroupGrants.AnyAsync()));
        Assert.False(await app.InDatabaseAsync(db => db.GroupMembers.AnyAsync()));
        Assert.Equal(id, await app.InDatabaseAsync(db => db.Groups.Select(g => g.Id).SingleAsync()));
    }

    [Fact]
    public async Task Bad_input_gets_400_with_field_messages_and_changes_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var id = await CreateAsync(admin, """{"name":"Key accounts"}""");
        var stranger = Guid.NewGuid();

        async Task<IReadOnlyList<string>> Refused(HttpResponseMessage response, string field)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.FieldErrorsAsync(field);
        }

        Assert.Equal(["Name is required."], await Refused(await admin.PostJsonAsync("/api/v1/groups", """{"name":"   "}"""), "name"));
        Assert.Equal(["Name must be at most 100 characters."],
            await Refused(await admin.PostJsonAsync("/api/v1/groups", JsonSerializer.Serialize(new { name = new string('g', 10_240) })), "name"));
        Assert.Equal(["Name cannot contain HTML tags."],
            await Refused(await admin.PostJsonAsync("/api/v1/groups", """{"name":"<script>alert(1)</script>"}"""), "name"));
        Assert.Equal(["There is already a group called 'Key accounts'. Group names must be unique."],
            await Refused(await admin.PostJsonAsync("/api/v1/groups", """{"name":"KEY ACCOUNTS"}"""), "name"));
        Assert.Equal(["Description must be at most 500 characters."],
            await Refused(await admin.PostJsonAsync("/api/v1/groups", JsonSerializer.Serialize(new { name = "Other", description = new string('d', 10_240) })), "description"));
        Assert.Equal([$"There is no user with the id {stranger}."],
            await Refused(await admin.PostJsonAsync("/api/v1/groups", $$"""{"name":"Other","memberIds":["{{stranger}}"]}"""), "memberIds"));
        Assert.Equal([$"There is no user with the id {stranger}."],
            await Refused(await admin.PatchJsonAsync($"/api/v1/groups/{id}", $$"""{"memberIds":["{{stranger}}"]}"""), "memberIds"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/groups", """{"name":"Other","memberIds":["not-a-guid"]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/groups", "{not json")).StatusCode);

        Assert.Equal(["Key accounts"], await app.InDatabaseAsync(db => db.Groups.Select(g => g.Name).ToListAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.GroupChanged)));
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        foreach (var response in new[]
        {
            await admin.Http.GetAsync("/api/v1/groups/4242"),
            await admin.PatchJsonAsync("/api/v1/groups/4242", """{"name":"X"}"""),
            await admin.Http.DeleteAsync("/api/v1/groups/4242"),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task Staff_get_403_from_every_group_endpoint()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var id = await CreateAsync(admin, """{"name":"Key accounts"}""");
        var staffUser = await app.CreateUserAsync("staff@crm.test", Password);
        var staff = await app.SignInAsync("staff@crm.test", Password);

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/api/v1/groups/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync("/api/v1/groups", """{"name":"Mine"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PatchJsonAsync($"/api/v1/groups/{id}", $$"""{"memberIds":["{{staffUser.Id}}"]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.DeleteAsync($"/api/v1/groups/{id}")).StatusCode);

        Assert.False(await app.InDatabaseAsync(db => db.GroupMembers.AnyAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Groups.CountAsync()));
    }

    [Fact]
    public async Task Every_group_endpoint_declares_the_administrator_policy_and_the_use_cases_check_it_too()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1/groups", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, endpoints.Count);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == Policies.Administrator));

        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var staff = new Actor(ActorKind.User, Guid.NewGuid(), IsAdministrator: false, "Staff");
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<ListGroups>().RunAsync(staff, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<ReadGroup>().RunAsync(staff, 1, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<ListPossibleMembers>().RunAsync(staff, null, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden,
            (await services.GetRequiredService<SaveGroup>().RunAsync(staff, null, new GroupInput("X", null, null), GroupFields.All, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<DeleteGroup>().RunAsync(staff, 1, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<SaveGroupGrants>().ReadAsync(staff, 1, default)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await services.GetRequiredService<SaveGroupGrants>().RunAsync(staff, 1, [], default)).Outcome);
        Assert.False(await app.InDatabaseAsync(db => db.Groups.AnyAsync()));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_group_endpoints()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var document = await (await admin.Http.GetAsync("/api/v1/openapi.json")).ReadJsonAsync();
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/groups").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/groups/{id}").TryGetProperty("delete", out _));
    }

    private static async Task<int> CreateAsync(PageClient client, string json)
    {
        var response = await client.PostJsonAsync("/api/v1/groups", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }
}
