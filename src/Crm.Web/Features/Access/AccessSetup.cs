using Crm.Web.Features.Help;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Access;

public sealed class AccessSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<SaveOverrides>();
        services.AddScoped<SaveModuleDefaults>();
        services.AddScoped<ExplainAccess>();
        services.AddScoped<StartPreview>();
        services.AddScoped<EndPreview>();
        services.AddHelpTopic(new HelpTopic("access", "Who may do what",
        [
            "A person's permission is decided in this order: administrators may do everything; otherwise an individual permission set on their user page wins; otherwise the widest of what their role and their groups give. On a record, the organisation default of the module, explicit shares and record rules (for example \"the author of a memo always sees it\") can add to that, and a rule can take an action away.",
            "The permission explainer answers \"why can or can't this person do this?\" with every step of that chain. Each question is recorded in the activity log.",
            "Organisation defaults open a whole module to everyone: Public read lets everyone see every record, Public read/write lets everyone also edit. Private leaves it to roles and groups.",
            "Preview as user (on a user's page) shows the CRM through that person's eyes, with a banner; nothing can be changed during a preview, and starting and ending it are recorded in the activity log.",
        ], AdministratorsOnly: true));
        services.AddSection(new Section("Permission explainer", "Why a person may or may not do something, step by step.", "/admin/access/explain", 30, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
        services.AddSection(new Section("Organisation defaults", "Which modules everyone may read or edit, on top of their grants.", "/admin/access/defaults", 31, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var access = api.MapGroup("/access").WithTags("Access").RequireAuthorization(Policies.Administrator);
        access.MapGet("/explain", async (HttpContext http, Guid? userId, string? module, string? action, ExplainAccess explain, CancellationToken ct) =>
            (await explain.RunAsync(http.Actor(), new ExplainRequest(userId, module, action), ct)).ToHttp())
            .WithSummary("Explains the decision for ?userId=&module=&action= with every step that produced it.");
        access.MapGet("/defaults", async (HttpContext http, SaveModuleDefaults defaults, CancellationToken ct) =>
            (await defaults.ReadAsync(http.Actor(), ct)).ToHttp());
        access.MapPut("/defaults", async (HttpContext http, List<ModuleDefaultInput> body, SaveModuleDefaults defaults, CancellationToken ct) =>
            (await defaults.RunAsync(http.Actor(), body, ct)).ToHttp());
        access.MapPut("/overrides/{userId:guid}", async (HttpContext http, Guid userId, List<GrantInput> body, SaveOverrides save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), userId, body, ct)).ToHttp())
            .WithSummary("Replaces a user's individual permissions (each wins over the role and groups for its module and action).");
    }
}
