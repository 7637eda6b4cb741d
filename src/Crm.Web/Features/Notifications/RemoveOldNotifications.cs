using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Notifications;

/// <summary>Scheduled clean-up: notifications read more than 90 days ago are of no further use.</summary>
public sealed class RemoveOldNotifications(CrmDb db, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "old-notifications";
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(90);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - KeptFor;
        await db.Notifications.Where(n => n.ReadAt != null && n.ReadAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
