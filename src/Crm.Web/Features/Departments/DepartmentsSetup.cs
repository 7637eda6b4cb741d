using Crm.Web.Web;

namespace Crm.Web.Features.Departments;

public sealed class DepartmentsSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapDepartmentsApi();

    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListDepartments>();
        services.AddScoped<ReadDepartment>();
        services.AddScoped<SaveDepartment>();
        services.AddScoped<DeleteDepartment>();
        services.AddSection(new Section(
            "Departments",
            "The company's departments as a tree, each with its own email address for routing.",
            "/admin/departments",
            100,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
    }
}
