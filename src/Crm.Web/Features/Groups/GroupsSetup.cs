using Crm.Web.Web;

namespace Crm.Web.Features.Groups;

public sealed class GroupsSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapGroupsApi();

    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListGroups>();
        services.AddScoped<ReadGroup>();
        services.AddScoped<SaveGroup>();
        services.AddScoped<SaveGroupGrants>();
        services.AddScoped<DeleteGroup>();
        services.AddScoped<ListPossibleMembers>();
        services.AddSection(new Section(
            "Groups",
            "Named sets of people across departments, to give them extra permissions or share records with them.",
            "/admin/groups",
            300,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
    }
}
