namespace Crm.Web.Features.Demo;

/// <summary>The demo organisation of <c>--demo</c> (see <see cref="DemoOrganisation"/>).</summary>
public sealed class DemoSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services) => services.AddScoped<DemoOrganisation>();
}
