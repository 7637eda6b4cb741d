using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Access;

public static class AccessSetup
{
    public static IServiceCollection AddAccessAdministration(this IServiceCollection services)
    {
        services.AddScoped<SaveOverrides>();
        services.AddScoped<SaveModuleDefaults>();
        services.AddScoped<ExplainAccess>();
        services.AddScoped<StartPreview>();
        services.AddScoped<EndPreview>();
        services.AddSection(new Section("Permission explainer", "Why a person may or may not do something, step by step.", "/admin/access/explain", 30, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
        services.AddSection(new Section("Organisation defaults", "Which modules everyone may read or edit, on top of their grants.", "/admin/access/defaults", 31, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
        return services;
    }

    public static RouteGroupBuilder MapAccessApi(this RouteGroupBuilder api)
    {
        var access = api.MapGroup("/access").WithTags("Access").RequireAuthorization(Policies.Administrator);
        access.MapGet("/explain", async (HttpContext http, Guid? userId, string? module, string? action, ExplainAccess explain, CancellationToken ct) =>
            (await explain.RunAsync(http.Actor(), new ExplainRequest(userId, module, action), ct)).ToHttp())
            .WithSummary("Explains the decision for ?userId=&module=&action= with every step that produced it.");
        access.MapGet("/defaults", async (HttpContext http, SaveModuleDefaults defaults, CancellationToken ct) =>
            (await defaults.ReadAsync(http.Actor(), ct)).ToHttp());
        access.MapPut("/defaults", async (HttpContext http, List<ModuleDefaultInput> body, SaveModuleDefaults defaults, CancellationToken ct) =>
            (await defaults.RunAsync(http.Actor(), body, ct)).ToHttp(_ => Results.NoContent()));
        access.MapPut("/overrides/{userId:guid}", async (HttpContext http, Guid userId, List<GrantInput> body, SaveOverrides save, CancellationToken ct) =>
            (await save.RunAsync(http.Actor(), userId, body, ct)).ToHttp(_ => Results.NoContent()))
            .WithSummary("Replaces a user's individual permissions (each wins over the role and groups for its module and action).");
        return api;
    }
}
