using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// "Send test event": a <c>webhook.test</c> event sent now, signed like any other, its answer given
/// back at once. It is logged with the endpoint's deliveries but never retried, and it does not
/// count towards disabling the endpoint.
/// </summary>
public sealed class SendTestWebhook(CrmDb db, WebhookSender sender, SaveWebhook save, TimeProvider clock)
{
    public async Task<Result<WebhookAttemptResult>> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<WebhookAttemptResult>.Forbidden("Only an administrator can send a test event.");
        }

        var endpoint = await db.Set<WebhookEndpoint>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Result<WebhookAttemptResult>.NotFound();
        }

        // The address is checked again now: the operator's allowed hosts may have changed since the save.
        if (await save.UrlProblemAsync(endpoint.Url, cancellationToken) is { } problem)
        {
            return Result<WebhookAttemptResult>.Invalid("url", problem);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(),
            EndpointId = endpoint.Id,
            EventType = WebhookCatalog.TestEvent,
            Body = WebhookFanOut.Payload(WebhookCatalog.TestEvent, now, new JsonObject
            {
                ["endpointId"] = endpoint.Id.ToString(),
                ["message"] = $"A test event for \"{endpoint.Name}\", sent by {actor.DisplayName}.",
            }),
            CreatedAt = now,
            Status = WebhookDeliveryStatus.Pending,
        };
        db.Set<WebhookDelivery>().Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        return Result<WebhookAttemptResult>.Ok(await sender.AttemptAsync(delivery.Id, null, retry: false, cancellationToken));
    }
}
