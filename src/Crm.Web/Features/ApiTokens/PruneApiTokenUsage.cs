using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

/// <summary>Scheduled clean-up: a token's daily figures are kept 90 days (the list looks back 30).</summary>
public sealed class PruneApiTokenUsage(CrmDb db, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "api-token-usage";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var before = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime - ApiTokenDailyUsage.KeptFor);
        await db.ApiTokenDailyUsage.Where(u => u.Day < before).ExecuteDeleteAsync(cancellationToken);
    }
}
