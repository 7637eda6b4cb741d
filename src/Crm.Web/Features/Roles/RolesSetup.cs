using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Roles;

public sealed class RolesSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListRoles>();
        services.AddScoped<ReadRole>();
        services.AddScoped<SaveRole>();
        services.AddScoped<SaveRoleGrants>();
        services.AddScoped<SaveRoleFieldRules>();
        services.AddScoped<RestrictableFields>();
        services.AddScoped<SaveRoleProfiles>();
        services.AddScoped<DeleteRole>();
        services.AddHelpTopic(new HelpTopic("roles", "Roles and permissions",
        [
            "Every user has exactly one role. A role says what its holders may do in each module (view, create, edit, delete, export and a few module-specific actions) and how far each permission reaches: None, Own records, Subordinates' records (and own), Department (the holder's departments and their sub-departments, and the narrower scopes), or All.",
            "Roles form a hierarchy through \"reports to\": a role's holders reach the records of the roles below theirs when a permission's scope is Subordinates or wider.",
            "A new role grants nothing. Give it only what the job needs; widen later rather than restrict later.",
            "A role can be built on profiles (Administration › Profiles): reusable permission sets. Its holders get the grants and field rules of every profile the role uses on top of the role's own; where several give the same permission, the widest scope counts.",
            "Groups can add permissions to their members, and an individual permission set on a user's page wins over both. The organisation defaults can open a module to everyone. The permission explainer shows how these combine for one person.",
            "Sensitive fields (such as a deal's amount) and custom fields can be hidden from a role or made read-only; hidden fields disappear from pages, API answers, exports and history for its holders. Deleting a custom field removes the rules on it.",
            "Maximum rows per export limits how many rows one export by a holder of the role may have (empty: no limit). A larger export is refused with the limit and a request to narrow the filter; Administration › Exports lists the exports that went ahead.",
            "Changes apply from each holder's next request, and every change is recorded in the activity log.",
        ], AdministratorsOnly: true));
        services.AddSection(new Section("Roles", "Job functions, who reports to whom, and what each role may do.", "/admin/roles", 20, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var roles = api.MapGroup("/roles").WithTags("Roles").RequireAuthorization(Policies.Administrator);
        roles.MapGet("", async (HttpContext http, ListRoles list, CancellationToken ct) => (await list.RunAsync(http.Actor(), ct)).ToHttp());
        roles.MapGet("/{id:int}", async (HttpContext http, int id, ReadRole read, CancellationToken ct) => (await read.RunAsync(http.Actor(), id, ct)).ToHttp());
        roles.MapPost("", async (HttpContext http, RoleInput body, SaveRole save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), null, body, ct)).ToHttp(id => Results.Created($"/api/v1/roles/{id}", new { id })));
        roles.MapPut("/{id:int}", async (HttpContext http, int id, RoleInput body, SaveRole save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp(_ => Results.NoContent()));
        roles.MapPut("/{id:int}/grants", async (HttpContext http, int id, bool? dryRun, List<GrantInput> body, SaveRoleGrants save, CancellationToken ct) =>
            dryRun == true ? (await save.PreviewAsync(http.Actor(), id, body, ct)).ToHttp() : (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp())
            .WithSummary("Replaces the role's grants: a list of {module, action, scope}; what is not listed is not granted. With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        roles.MapPut("/{id:int}/field-rules", async (HttpContext http, int id, bool? dryRun, List<FieldRuleInput> body, SaveRoleFieldRules save, CancellationToken ct) =>
            dryRun == true ? (await save.PreviewAsync(http.Actor(), id, body, ct)).ToHttp() : (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp())
            .WithSummary("Replaces the role's field rules. With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        roles.MapPut("/{id:int}/profiles", async (HttpContext http, int id, bool? dryRun, List<int> body, SaveRoleProfiles save, CancellationToken ct) =>
            dryRun == true ? (await save.PreviewAsync(http.Actor(), id, body, ct)).ToHttp() : (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp())
            .WithSummary("Replaces the profiles the role is built on: a list of profile IDs; its holders get their grants and field rules on top of the role's own. With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        roles.MapDelete("/{id:int}", async (HttpContext http, int id, DeleteRole delete, CancellationToken ct) =>
            (await delete.RunAsync(http.Actor(), id, ct)).ToHttp());
    }
}
