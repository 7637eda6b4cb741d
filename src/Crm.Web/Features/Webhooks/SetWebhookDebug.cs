using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// Debug mode: for the chosen number of minutes (1 hour by default, 24 hours at most) attempts keep
/// the request and response bodies; it switches itself off when the time passes, so the log cannot
/// grow without bound. Zero minutes turns it off now.
/// </summary>
public sealed class SetWebhookDebug(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public const int DefaultMinutes = 60;
    public const int MaxMinutes = 24 * 60;

    public static readonly string LengthMessage = $"Debug mode lasts a whole number of minutes from 1 to {MaxMinutes}; 0 turns it off.";

    public async Task<Result<WebhookDebugState>> RunAsync(Actor actor, Guid id, int? minutes, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<WebhookDebugState>.Forbidden("Only an administrator can turn on a webhook's debug mode.");
        }

        var length = minutes ?? DefaultMinutes;
        if (length is < 0 or > MaxMinutes)
        {
            return Result<WebhookDebugState>.Invalid("minutes", LengthMessage);
        }

        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Result<WebhookDebugState>.NotFound();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        endpoint.DebugUntil = length == 0 ? null : now.AddMinutes(length);
        activity.Record(actor, WebhookActivity.Changed, length == 0
            ? $"Turned off debug mode of webhook \"{endpoint.Name}\"."
            : $"Turned on debug mode of webhook \"{endpoint.Name}\" until {endpoint.DebugUntil:yyyy-MM-dd HH:mm} UTC.");
        await db.SaveChangesAsync(cancellationToken);
        return Result<WebhookDebugState>.Ok(new WebhookDebugState(endpoint.DebugUntil));
    }
}

public sealed record WebhookDebugState(DateTime? DebugUntil);
