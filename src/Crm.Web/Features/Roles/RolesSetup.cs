using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Roles;

public static class RolesSetup
{
    public static IServiceCollection AddRoles(this IServiceCollection services)
    {
        services.AddScoped<ListRoles>();
        services.AddScoped<ReadRole>();
        services.AddScoped<SaveRole>();
        services.AddScoped<SaveRoleGrants>();
        services.AddScoped<SaveRoleFieldRules>();
        services.AddScoped<DeleteRole>();
        services.AddSection(new Section("Roles", "Job functions, who reports to whom, and what each role may do.", "/admin/roles", 20, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
        return services;
    }

    public static RouteGroupBuilder MapRolesApi(this RouteGroupBuilder api)
    {
        var roles = api.MapGroup("/roles").WithTags("Roles").RequireAuthorization(Policies.Administrator);
        roles.MapGet("", async (HttpContext http, ListRoles list, CancellationToken ct) => (await list.RunAsync(http.Actor(), ct)).ToHttp());
        roles.MapGet("/{id:int}", async (HttpContext http, int id, ReadRole read, CancellationToken ct) => (await read.RunAsync(http.Actor(), id, ct)).ToHttp());
        roles.MapPost("", async (HttpContext http, RoleInput body, SaveRole save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), null, body, ct)).ToHttp(id => Results.Created($"/api/v1/roles/{id}", new { id })));
        roles.MapPut("/{id:int}", async (HttpContext http, int id, RoleInput body, SaveRole save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp(_ => Results.NoContent()));
        roles.MapPut("/{id:int}/grants", async (HttpContext http, int id, List<GrantInput> body, SaveRoleGrants save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp(_ => Results.NoContent()))
            .WithSummary("Replaces the role's grants: a list of {module, action, scope}; what is not listed is not granted.");
        roles.MapPut("/{id:int}/field-rules", async (HttpContext http, int id, List<FieldRuleInput> body, SaveRoleFieldRules save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp(_ => Results.NoContent()));
        roles.MapDelete("/{id:int}", async (HttpContext http, int id, DeleteRole delete, CancellationToken ct) =>
            (await delete.RunAsync(http.Actor(), id, ct)).ToHttp(_ => Results.NoContent()));
        return api;
    }
}
