using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.IdempotencyKeys;

/// <summary>Scheduled clean-up: a key is remembered 24 hours, after which it may be used again.</summary>
public sealed class PruneIdempotentRequests(CrmDb db, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "idempotency-keys";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - IdempotentRequest.KeptFor;
        await db.IdempotentRequests.Where(r => r.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
