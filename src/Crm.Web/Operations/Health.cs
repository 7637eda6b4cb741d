using Crm.Web.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Web.Operations;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database answers and every
/// migration this build knows is applied (so a proxy sends no traffic to a half-upgraded node).
/// Both are anonymous by design (load balancers do not sign in) and say nothing beyond the status.
/// </summary>
public static class Health
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseReady>("database", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return endpoints;
    }

    private sealed class DatabaseReady(CrmDb db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                if (!await db.Database.CanConnectAsync(cancellationToken))
                {
                    return HealthCheckResult.Unhealthy("database unreachable");
                }

                var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
                return pending.Any() ? HealthCheckResult.Unhealthy("migrations pending") : HealthCheckResult.Healthy();
            }
#pragma warning disable CA1031 // A health probe reports any failure as unhealthy instead of throwing.
            catch (Exception)
#pragma warning restore CA1031
            {
                return HealthCheckResult.Unhealthy("database check failed");
            }
        }
    }
}
