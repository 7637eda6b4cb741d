using Crm.Web.Web;

namespace Crm.Web.Features.Administration;

/// <summary>The administrators' starting page, which lists the administration sections of the other features.</summary>
public sealed class AdministrationSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services) =>
        services.AddSection(new Section("Administration", "Users, roles, departments, groups, permissions and integrations.", "/admin", 800, u => u.IsAdministrator));
}
