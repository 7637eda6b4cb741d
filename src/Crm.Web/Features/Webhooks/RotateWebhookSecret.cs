using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// A new signing secret, shown once. For the next 24 hours every delivery carries two signatures,
/// by the new secret and by the one it replaces, so the receiver can switch without losing events.
/// A sensitive action (whoever holds the secret can forge events): it needs a fresh sign-in
/// (<see cref="FreshSignIn"/>), given by <c>currentPassword</c> when the session is older than 10 minutes.
/// </summary>
public sealed class RotateWebhookSecret(CrmDb db, ActivityLog activity, WebhookSender sender, TimeProvider clock, FreshSignIn freshSignIn)
{
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(24);

    public async Task<Result<WebhookWithSecret>> RunAsync(Actor actor, Guid id, string? currentPassword, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<WebhookWithSecret>.Forbidden("Only an administrator can rotate a webhook's secret.");
        }

        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Result<WebhookWithSecret>.NotFound();
        }

        if (await freshSignIn.RequireAsync(currentPassword, cancellationToken) is { } stale)
        {
            return stale.Map<WebhookWithSecret>();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var secret = WebhookSignature.NewSecret();
        endpoint.ProtectedPreviousSecret = endpoint.ProtectedSecret;
        endpoint.PreviousSecretUntil = now + Overlap;
        endpoint.ProtectedSecret = sender.Protect(secret);
        endpoint.ModifiedAt = now;
        activity.Record(actor, WebhookActivity.SecretRotated, $"Rotated the secret of webhook \"{endpoint.Name}\"; the previous one signs too until {endpoint.PreviousSecretUntil:yyyy-MM-dd HH:mm} UTC.");
        await db.SaveChangesAsync(cancellationToken);
        return Result<WebhookWithSecret>.Ok(new WebhookWithSecret(endpoint.Id, endpoint.Name, secret));
    }
}
