using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

public sealed record WebhookReplay(int Count);

/// <summary>
/// Replay: one delivery, or every failed delivery of an endpoint created since a given time, goes
/// out again with a fresh series of attempts, under its original <c>webhook-id</c> and body (a
/// receiver that already has it can tell). The preview counts what a replay since that time would send.
/// </summary>
public sealed class ReplayWebhookDeliveries(CrmDb db, ActivityLog activity, WebhookWorker worker, TimeProvider clock)
{
    public async Task<Result<WebhookReplay>> OneAsync(Actor actor, Guid endpointId, Guid deliveryId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<WebhookReplay>.Forbidden("Only an administrator can replay webhook deliveries.");
        }

        var count = await RequeueAsync(db.Set<WebhookDelivery>().Where(d => d.EndpointId == endpointId && d.Id == deliveryId && d.Status != WebhookDeliveryStatus.Pending), cancellationToken);
        if (count == 0)
        {
            return await db.Set<WebhookDelivery>().AnyAsync(d => d.EndpointId == endpointId && d.Id == deliveryId, cancellationToken)
                ? Result<WebhookReplay>.Conflict("This delivery is still waiting for its next attempt.")
                : Result<WebhookReplay>.NotFound();
        }

        activity.Record(actor, WebhookActivity.Replayed, $"Replayed webhook delivery msg_{deliveryId:N}.");
        await db.SaveChangesAsync(cancellationToken);
        worker.Wake();
        return Result<WebhookReplay>.Ok(new WebhookReplay(count));
    }

    public async Task<Result<WebhookReplay>> PreviewFailedAsync(Actor actor, Guid endpointId, DateTime? since, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(actor, endpointId, since, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return Result<WebhookReplay>.Ok(new WebhookReplay(await Failed(endpointId, since!.Value).CountAsync(cancellationToken)));
    }

    public async Task<Result<WebhookReplay>> FailedAsync(Actor actor, Guid endpointId, DateTime? since, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<WebhookReplay>.Forbidden("Only an administrator can replay webhook deliveries.");
        }

        if (await RefusalAsync(actor, endpointId, since, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var count = await RequeueAsync(Failed(endpointId, since!.Value), cancellationToken);
        activity.Record(actor, WebhookActivity.Replayed, $"Replayed {count} failed webhook deliveries since {since:yyyy-MM-dd HH:mm} UTC.");
        await db.SaveChangesAsync(cancellationToken);
        worker.Wake();
        return Result<WebhookReplay>.Ok(new WebhookReplay(count));
    }

    private async Task<Result<WebhookReplay>?> RefusalAsync(Actor actor, Guid endpointId, DateTime? since, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<WebhookReplay>.Forbidden("Only an administrator can replay webhook deliveries.");
        }

        if (since is null)
        {
            return Result<WebhookReplay>.Invalid("since", "Give the time from which failed deliveries are sent again, like 2026-12-01T00:00:00Z.");
        }

        return await db.Set<WebhookEndpoint>().AnyAsync(e => e.Id == endpointId, cancellationToken) ? null : Result<WebhookReplay>.NotFound();
    }

    private IQueryable<WebhookDelivery> Failed(Guid endpointId, DateTime since)
    {
        var from = since.ToUniversalTime();
        return db.Set<WebhookDelivery>().Where(d => d.EndpointId == endpointId && d.Status == WebhookDeliveryStatus.Failed && d.CreatedAt >= from);
    }

    private Task<int> RequeueAsync(IQueryable<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return deliveries.ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
            .SetProperty(d => d.Attempts, 0)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.LeaseOwner, (Guid?)null)
            .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
    }
}
