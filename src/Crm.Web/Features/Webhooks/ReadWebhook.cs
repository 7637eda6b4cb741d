using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

public sealed record WebhookAttemptView(DateTime At, int? StatusCode, int DurationMs, bool Succeeded, string? Response, string? Error, string? RequestBody, string? ResponseBody);

public sealed record WebhookDeliveryView(
    Guid Id, string MessageId, string EventType, string Status, int Attempts, DateTime CreatedAt, DateTime? NextAttemptAt,
    DateTime? DeliveredAt, int? LastStatusCode, string? LastError, IReadOnlyList<WebhookAttemptView> AttemptLog);

public sealed record WebhookDetails(WebhookSummary Endpoint, IReadOnlyList<WebhookDeliveryView> Deliveries);

/// <summary>One endpoint with its latest deliveries and their attempts, newest first (the log of its page).</summary>
public sealed class ReadWebhook(CrmDb db, ListWebhooks list)
{
    public const int DeliveriesShown = 50;

    public async Task<Result<WebhookDetails>> RunAsync(Actor actor, Guid id, string? status, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<WebhookDetails>.Forbidden("Only administrators can see webhooks.");
        }

        if ((await list.SummariesAsync(id, cancellationToken)).SingleOrDefault() is not { } summary)
        {
            return Result<WebhookDetails>.NotFound();
        }

        var query = db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.EndpointId == id);
        if (Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var only))
        {
            query = query.Where(d => d.Status == only);
        }

        var deliveries = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(DeliveriesShown).ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.Set<WebhookAttempt>().AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderByDescending(a => a.Id).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        var views = deliveries.Select(d => new WebhookDeliveryView(d.Id, d.MessageId, d.EventType, d.Status.ToString(), d.Attempts, d.CreatedAt, d.NextAttemptAt,
            d.DeliveredAt, d.LastStatusCode, d.LastError,
            [.. attempts[d.Id].Select(a => new WebhookAttemptView(a.At, a.StatusCode, a.DurationMs, a.Succeeded, a.Response, a.Error, a.RequestBody, a.ResponseBody))])).ToList();
        return Result<WebhookDetails>.Ok(new WebhookDetails(summary, views));
    }
}
