using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Profiles;

/// <summary>
/// Permission profiles (issue 29, ADR 0043): reusable permission sets roles are built on, managed
/// by administrators at /admin/profiles and /api/v1/profiles. The engine reads them through the
/// role (<see cref="Security.Permissions.PermissionSubjects"/>).
/// </summary>
public sealed class ProfilesSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListProfiles>();
        services.AddScoped<ReadProfile>();
        services.AddScoped<SaveProfile>();
        services.AddScoped<DeleteProfile>();
        services.AddHelpTopic(new HelpTopic("profiles", "Permission profiles",
        [
            "A profile is a named, reusable set of permissions: for each module and action a scope (None, Own, Subordinates, Department, All), and rules that hide sensitive fields or custom fields or make them read-only — the same things a role can hold.",
            "Roles are built on profiles: on a role's page, tick the profiles it uses. Its holders get the permissions of every profile the role uses on top of the role's own grants; where several give the same permission, the widest scope counts, and a field hidden by any of them stays hidden. Groups and individual overrides then apply as before, and the permission explainer names the profile a permission came from.",
            "Changing a profile changes every role built on it at once, from its holders' next request. Preview (beside Save) shows who would gain or lose what, and how many records each person would newly see or no longer see, before anything is saved.",
            "A new organisation starts with a profile for each default role (Sales agent, AR accountant, HR administrator and the others, after the recommended standard roles). An organisation that used the CRM before profiles existed found each role's permissions moved, unchanged, into a profile of the role's name.",
            "A profile cannot be deleted while a role is built on it: the message names the roles; take the profile off them first. Every change is recorded in the activity log.",
        ], AdministratorsOnly: true));
        services.AddSection(new Section("Profiles", "Reusable permission sets that roles are built on.", "/admin/profiles", 22, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("/profiles").WithTags("Profiles").RequireAuthorization(Policies.Administrator);
        profiles.MapGet("", async (HttpContext http, ListProfiles list, CancellationToken ct) => (await list.RunAsync(http.Actor(), ct)).ToHttp())
            .WithSummary("Every profile with the roles built on it.");
        profiles.MapGet("/{id:int}", async (HttpContext http, int id, ReadProfile read, CancellationToken ct) => (await read.RunAsync(http.Actor(), id, ct)).ToHttp())
            .WithSummary("One profile: its grants, field rules and the roles built on it.");
        profiles.MapPost("", async (HttpContext http, bool? dryRun, ProfileInput body, SaveProfile save, CancellationToken ct) =>
            dryRun == true
                ? (await save.PreviewAsync(http.Actor(), null, body, ct)).ToHttp()
                : (await save.RunAsync(http.Actor(), null, body, ct)).ToHttp(id => Results.Created($"/api/v1/profiles/{id}", new { id })))
            .WithSummary("Creates a profile: name, description, grants [{module, action, scope}] and field rules [{module, field, access}]. With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        profiles.MapPut("/{id:int}", async (HttpContext http, int id, bool? dryRun, ProfileInput body, SaveProfile save, CancellationToken ct) =>
            dryRun == true
                ? (await save.PreviewAsync(http.Actor(), id, body, ct)).ToHttp()
                : (await save.RunAsync(http.Actor(), id, body, ct)).ToHttp(_ => Results.NoContent()))
            .WithSummary("Replaces a profile's name, description, grants and field rules (what is not listed is not granted); every role built on it changes with it. With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        profiles.MapDelete("/{id:int}", async (HttpContext http, int id, DeleteProfile delete, CancellationToken ct) => (await delete.RunAsync(http.Actor(), id, ct)).ToHttp())
            .WithSummary("Deletes a profile; refused (409) while a role is built on it.");
    }
}
