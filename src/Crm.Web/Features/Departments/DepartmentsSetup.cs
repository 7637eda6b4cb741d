using Crm.Web.Web;

namespace Crm.Web.Features.Departments;

public static class DepartmentsSetup
{
    public static IServiceCollection AddDepartments(this IServiceCollection services)
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
        return services;
    }
}
