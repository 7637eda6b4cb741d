using Crm.Web.Features.Roles;
using System.Text.Json;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Groups;

/// <summary>The group endpoints of <c>/api/v1</c>, for administrators, over the same use cases as the pages.</summary>
public static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups").WithTags("Groups").RequireAuthorization(Policies.Administrator);

        groups.MapGet("", async (HttpContext http, ListGroups list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListGroups")
            .WithSummary("Every group by name, with member and grant counts.");

        groups.MapGet("/{id:int}", async (int id, HttpContext http, ReadGroup read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("GetGroup")
            .WithSummary("One group with its members.");

        groups.MapGet("/{id:int}/grants", async (int id, HttpContext http, SaveGroupGrants grants, CancellationToken cancellationToken) =>
                (await grants.ReadAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("GetGroupGrants");

        groups.MapPut("/{id:int}/grants", async (int id, bool? dryRun, List<GrantInput> body, HttpContext http, SaveGroupGrants grants, CancellationToken cancellationToken) =>
                dryRun == true
                    ? (await grants.PreviewAsync(http.Actor(), id, body, cancellationToken)).ToHttp()
                    : (await grants.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("SetGroupGrants")
            .WithSummary("Replaces the permissions the group adds to its members: a list of {module, action, scope}. With ?dryRun=true, saves nothing and answers who would gain and lose what.");

        groups.MapPost("", async (GroupRequest body, HttpContext http, SaveGroup save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body.ToInput(), GroupFields.All, cancellationToken))
                    .ToHttp(g => Results.Created($"/api/v1/groups/{g.Id}", g)))
            .WithName("CreateGroup")
            .WithSummary("Creates a group; memberIds are user ids.");

        groups.MapPatch("/{id:int}", async (int id, bool? dryRun, JsonElement body, HttpContext http, SaveGroup save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<GroupRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var fields = GroupFields.None;
                fields |= patch.Value.Has("name") ? GroupFields.Name : GroupFields.None;
                fields |= patch.Value.Has("description") ? GroupFields.Description : GroupFields.None;
                fields |= patch.Value.Has("memberIds") ? GroupFields.Members : GroupFields.None;
                return dryRun == true
                    ? (await save.PreviewAsync(http.Actor(), id, patch.Value.Value.ToInput(), fields, cancellationToken)).ToHttp()
                    : (await save.RunAsync(http.Actor(), id, patch.Value.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<GroupRequest>("application/json")
            .WithName("UpdateGroup")
            .WithSummary("Changes only the fields present in the body; memberIds replaces the whole member list. With ?dryRun=true, saves nothing and answers who would gain and lose what.");

        groups.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteGroup delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteGroup")
            .WithSummary("Deletes a group with its memberships and grants.");

        return api;
    }

    /// <summary>What a caller may set; anything else in the body (id, grants, counts) is ignored.</summary>
    public sealed record GroupRequest(string? Name, string? Description, IReadOnlyList<Guid>? MemberIds)
    {
        public GroupInput ToInput() => new(Name, Description, MemberIds);
    }
}
