using Crm.Web.Features.Scheduler;

namespace Crm.Web.Features.IdempotencyKeys;

/// <summary>
/// Idempotency-Key on the API's creates: the step in the request pipeline
/// (<see cref="IdempotencyKeyMiddleware"/>, placed by <c>UseCrmPipeline</c>) and the clean-up of
/// keys older than 24 hours.
/// </summary>
public sealed class IdempotencyKeysSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services) =>
        services.AddRecurringJob<PruneIdempotentRequests>(PruneIdempotentRequests.JobName,
            "Forgets the API's Idempotency-Keys after 24 hours.", TimeSpan.FromHours(1));
}
