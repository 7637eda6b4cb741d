using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

public sealed record RevokedUsersApiTokens(Guid UserId, IReadOnlyList<RevokedApiToken> Revoked);

/// <summary>
/// Revokes every live token acting as one user at once: when the user's credentials may have
/// leaked, or someone who owned integrations leaves. Each token revoked is recorded like a single
/// revocation, so the activity log names every one. Tokens already revoked are left as they are.
/// </summary>
public sealed class RevokeUsersApiTokens(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public async Task<Result<RevokedUsersApiTokens>> RunAsync(Actor actor, Guid? userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<RevokedUsersApiTokens>.Forbidden("Only an administrator can revoke API tokens.");
        }

        if (userId is not { } id || !await db.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return Result<RevokedUsersApiTokens>.Invalid("userId", "Choose a user whose tokens to revoke.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var live = await db.ApiTokens.Where(t => t.UserId == id && t.RevokedAt == null).OrderBy(t => t.Name).ToListAsync(cancellationToken);
        foreach (var token in live)
        {
            token.RevokedAt = now;
            activity.Record(actor, ActivityKinds.TokenRevoked,
                $"Revoked API token \"{token.Name}\" (crm_{token.Prefix}_…) with every other token of its user.", token.UserId);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result<RevokedUsersApiTokens>.Ok(new RevokedUsersApiTokens(id, [.. live.Select(t => new RevokedApiToken(t.Id, t.Name, now))]));
    }
}
