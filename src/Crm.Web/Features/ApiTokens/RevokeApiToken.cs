using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

public sealed record RevokedApiToken(Guid Id, string Name, DateTime RevokedAt);

/// <summary>
/// Ends a token for good: the next request that presents it is refused. Revoking a revoked token
/// changes nothing and answers the same, so a retried call or a double click is harmless.
/// </summary>
public sealed class RevokeApiToken(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public async Task<Result<RevokedApiToken>> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<RevokedApiToken>.Forbidden("Only an administrator can revoke API tokens.");
        }

        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null)
        {
            return Result<RevokedApiToken>.NotFound();
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow().UtcDateTime;
            activity.Record(actor, ActivityKinds.TokenRevoked, $"Revoked API token \"{token.Name}\" (crm_{token.Prefix}_…).", token.UserId);
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result<RevokedApiToken>.Ok(new RevokedApiToken(token.Id, token.Name, token.RevokedAt.Value));
    }
}
