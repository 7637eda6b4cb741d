using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Web.Features.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<AuditContext>();
        services.AddScoped<ISaveChangesInterceptor, AuditCapture>();
        services.AddScoped<VerifyAuditChain>();
        return services;
    }
}
