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
        services.AddScoped<ListSharingRules>();
        services.AddScoped<SaveSharingRule>();
        services.AddScoped<DeleteSharingRule>();
        services.AddHelpTopic(new HelpTopic("sharing", "Sharing a record",
        [
            "Every record page has a Sharing button. Its page lists the record's shares and everyone who may see the record, with the reasons: owner, the scope of their role or group, the organisation default, a share, a sharing rule or a rule of the module (such as a memo's author).",
            "The owner of a record may share it for reading; whoever may edit it may share it for reading or for reading and editing. Share with a person, a group, a role (alone, or with all the roles below it) or a department (its members and the heads of the departments above it). You cannot share with yourself.",
            "Preview, before Share, lists who would gain access and what, without saving anything.",
            "A share may have a last day: it stops counting at midnight UTC after that day, and stays listed as ended. Removing a share, or its end passing, takes the access away on the very next request.",
            "A shared record shows everywhere its recipients look: lists, search, exports, the API, its history and its files. A read share never allows editing or deleting. Shares and their removal appear in the record's history.",
        ]));
        services.AddHelpTopic(new HelpTopic("sharing-rules", "Sharing rules",
        [
            "A sharing rule says: records of a module owned by the members of a group, role or department are shared with another group, role or department, for reading or for reading and editing. For example: deals owned by members of Sales North are shared with the role Sales director, for reading.",
            "A department as the owner side covers its members and the members of its sub-departments; as the receiving side it reaches its members and the heads of the departments above it, as a share does. A role can include the roles below it on either side. A rule cannot share a group, role or department with itself.",
            "Rules are not copied onto records: they are evaluated when each person's permissions are read, so a new member of a group is covered at once and removing a rule closes the records on the next request. The permission explainer and each record's Sharing page name the rules that apply.",
            "Preview, beside Add rule (or ?dryRun=true on the API's POST), shows who would newly see how many records of the module, counted as their lists would count them, before the rule is added; nothing is saved.",
        ], AdministratorsOnly: true));
        services.AddSection(new Section("Sharing rules", "Open the records owned by one group, role or department to another.", "/admin/sharing-rules", 32, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
        services.AddHelpTopic(new HelpTopic("access", "Who may do what",
        [
            "A person's permission is decided in this order: administrators may do everything; otherwise an individual permission set on their user page wins; otherwise the widest of what their role and their groups give. On a record, the organisation default of the module, explicit shares and record rules (for example \"the author of a memo always sees it\") can add to that, and a rule can take an action away.",
            "The permission explainer answers \"why can or can't this person do this?\" with every step of that chain. Each question is recorded in the activity log.",
            "Organisation defaults open a whole module to everyone: Public read lets everyone see every record, Public read/write lets everyone also edit. Private leaves it to roles and groups. Sharing rules (Administration, Sharing rules) open the records of some owners to some others.",
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
        access.MapGet("/explain", async (HttpContext http, Guid? userId, string? module, string? action, Guid? tokenId, ExplainAccess explain, CancellationToken ct) =>
            (await explain.RunAsync(http.Actor(), new ExplainRequest(userId, module, action, tokenId), ct)).ToHttp())
            .WithSummary("Explains the decision for ?userId=&module=&action= (or ?tokenId= for an API token, narrowed to its scopes) with every step that produced it.");
        access.MapGet("/defaults", async (HttpContext http, SaveModuleDefaults defaults, CancellationToken ct) =>
            (await defaults.ReadAsync(http.Actor(), ct)).ToHttp());
        access.MapPut("/defaults", async (HttpContext http, bool? dryRun, List<ModuleDefaultInput> body, SaveModuleDefaults defaults, CancellationToken ct) =>
            dryRun == true ? (await defaults.PreviewAsync(http.Actor(), body, ct)).ToHttp() : (await defaults.RunAsync(http.Actor(), body, ct)).ToHttp())
            .WithSummary("Sets the organisation defaults. With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        access.MapPut("/overrides/{userId:guid}", async (HttpContext http, Guid userId, bool? dryRun, List<GrantInput> body, SaveOverrides save, CancellationToken ct) =>
            dryRun == true ? (await save.PreviewAsync(http.Actor(), userId, body, ct)).ToHttp() : (await save.RunAsync(http.Actor(), userId, body, ct)).ToHttp())
            .WithSummary("Replaces a user's individual permissions (each wins over the role and groups for its module and action). With ?dryRun=true, saves nothing and answers who would gain and lose what.");
        access.MapGet("/sharing-rules", async (HttpContext http, ListSharingRules list, CancellationToken ct) =>
            (await list.RunAsync(http.Actor(), ct)).ToHttp())
            .WithSummary("The sharing rules: records of a module owned by members of a group, role or department shared with another, read or edit.");
        access.MapPost("/sharing-rules", async (HttpContext http, bool? dryRun, SharingRuleInput body, SaveSharingRule save, CancellationToken ct) =>
            dryRun == true
                ? (await save.PreviewAsync(http.Actor(), body, ct)).ToHttp()
                : (await save.RunAsync(http.Actor(), body, ct)).ToHttp(rule => Results.Created($"/api/v1/access/sharing-rules/{rule.Id}", rule)))
            .WithSummary("Adds a sharing rule: module, exactly one of fromGroupId, fromRoleId (fromSubordinates) or fromDepartmentId, the same for \"to\", access \"read\" or \"edit\". With ?dryRun=true, saves nothing and answers who would gain what.");
        access.MapDelete("/sharing-rules/{id:int}", async (HttpContext http, int id, DeleteSharingRule delete, CancellationToken ct) =>
            (await delete.RunAsync(http.Actor(), id, ct)).ToHttp())
            .WithSummary("Removes a sharing rule; the records it opened close on the next request.");
    }
}
