using Crm.Web.Security.Permissions;

namespace Crm.Web.Features;

/// <summary>
/// A part of the CRM that registers itself from its own folder (its <c>&lt;X&gt;Setup.cs</c>): its
/// permission modules, its services (use cases, lookups, owner moves, sections, help topics) and its
/// endpoints under <c>/api/v1</c>. Program.cs only runs the features of <see cref="FeatureList"/>,
/// so removing a feature is removing its folder and its line there.
/// </summary>
public interface ICrmFeature
{
    /// <summary>The permission modules the feature owns (the catalogue orders them by <see cref="ModuleDefinition.Order"/>).</summary>
    IReadOnlyList<ModuleDefinition> Modules => [];

    void AddServices(IServiceCollection services);

    /// <summary>The feature's endpoints in the <c>/api/v1</c> group (which already requires a signed-in caller); none by default.</summary>
    void MapApi(RouteGroupBuilder api)
    {
    }

    /// <summary>Endpoints outside the API and the Razor pages (the branding images); none by default.</summary>
    void MapEndpoints(IEndpointRouteBuilder app)
    {
    }
}

public static class CrmFeatureRegistration
{
    /// <summary>Registers each feature's modules and services, in the list's order (the order of search groups, help topics and owner moves).</summary>
    public static IServiceCollection AddFeatures(this IServiceCollection services, IEnumerable<ICrmFeature> features)
    {
        foreach (var feature in features)
        {
            foreach (var module in feature.Modules)
            {
                services.AddModule(module);
            }

            feature.AddServices(services);
        }

        return services;
    }

    /// <summary>Maps each feature's own endpoints and its part of the API group <paramref name="api"/>.</summary>
    public static void MapFeatures(this IEndpointRouteBuilder app, IEnumerable<ICrmFeature> features, RouteGroupBuilder api)
    {
        foreach (var feature in features)
        {
            feature.MapEndpoints(app);
            feature.MapApi(api);
        }
    }
}
