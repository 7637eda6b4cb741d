using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>Removes an endpoint with its deliveries and their log: nothing more is sent to it.</summary>
public sealed class DeleteWebhook(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only an administrator can delete webhooks.");
        }

        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Result.NotFound();
        }

        db.Set<WebhookEndpoint>().Remove(endpoint);
        activity.Record(actor, WebhookActivity.Deleted, $"Deleted webhook \"{endpoint.Name}\" ({endpoint.Url}).");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
