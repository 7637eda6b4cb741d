using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// Retention of the webhook log (<c>Webhooks:AttemptRetentionDays</c>, 30 by default): attempts older
/// than that go, and so do finished deliveries (delivered or failed) created before it, with their
/// bodies. Waiting deliveries of an enabled endpoint stay whatever their age; those a disabled endpoint
/// holds go once older than the retention (the missed events wait that long, ADR 0044).
/// </summary>
public sealed class PruneWebhookLog(CrmDb db, IOptionsMonitor<WebhookOptions> options, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "prune-webhook-log";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(1, options.CurrentValue.AttemptRetentionDays));
        await db.Set<WebhookAttempt>().Where(a => a.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        var finished = db.Set<WebhookDelivery>().Where(d => d.Status != WebhookDeliveryStatus.Pending && d.CreatedAt < cutoff).Select(d => d.Id);
        await db.Set<WebhookAttempt>().Where(a => finished.Contains(a.DeliveryId)).ExecuteDeleteAsync(cancellationToken);
        await db.Set<WebhookDelivery>().Where(d => d.Status != WebhookDeliveryStatus.Pending && d.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        var disabled = db.Set<WebhookEndpoint>().Where(e => !e.IsEnabled).Select(e => e.Id);
        var expired = db.Set<WebhookDelivery>().Where(d => d.Status == WebhookDeliveryStatus.Pending && d.CreatedAt < cutoff && disabled.Contains(d.EndpointId));
        await db.Set<WebhookAttempt>().Where(a => expired.Select(d => d.Id).Contains(a.DeliveryId)).ExecuteDeleteAsync(cancellationToken);
        await expired.ExecuteDeleteAsync(cancellationToken);
    }
}
