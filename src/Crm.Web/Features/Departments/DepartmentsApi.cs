using System.Text.Json;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Departments;

/// <summary>The department endpoints of <c>/api/v1</c>, for administrators, over the same use cases as the pages.</summary>
public static class DepartmentsApi
{
    public static RouteGroupBuilder MapDepartmentsApi(this RouteGroupBuilder api)
    {
        var departments = api.MapGroup("/departments").WithTags("Departments").RequireAuthorization(Policies.Administrator);

        departments.MapGet("", async (HttpContext http, ListDepartments list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListDepartments")
            .WithSummary("Every department in tree order (depth first, siblings by name), with its path and member count.");

        departments.MapGet("/{id:int}", async (int id, HttpContext http, ReadDepartment read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("GetDepartment")
            .WithSummary("One department.");

        departments.MapPost("", async (DepartmentRequest body, HttpContext http, SaveDepartment save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body.ToInput(), DepartmentFields.All, cancellationToken))
                    .ToHttp(d => Results.Created($"/api/v1/departments/{d.Id}", d)))
            .WithName("CreateDepartment")
            .WithSummary("Creates a department; the name is unique ignoring case.");

        departments.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveDepartment save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<DepartmentRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var fields = DepartmentFields.None;
                fields |= patch.Value.Has("name") ? DepartmentFields.Name : DepartmentFields.None;
                fields |= patch.Value.Has("parentId") ? DepartmentFields.Parent : DepartmentFields.None;
                fields |= patch.Value.Has("email") ? DepartmentFields.Email : DepartmentFields.None;
                return (await save.RunAsync(http.Actor(), id, patch.Value.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<DepartmentRequest>("application/json")
            .WithName("UpdateDepartment")
            .WithSummary("Changes only the fields present in the body; null clears the parent or the email.");

        departments.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteDepartment delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteDepartment")
            .WithSummary("Deletes a department without sub-departments or members (409 otherwise).");

        return api;
    }

    /// <summary>What a caller may set; anything else in the body (id, createdAt, counts) is ignored.</summary>
    public sealed record DepartmentRequest(string? Name, int? ParentId, string? Email)
    {
        public DepartmentInput ToInput() => new(Name, ParentId, Email);
    }
}
