using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

/// <summary>The body of <c>PUT /api/v1/health/digest</c> and its answer: whether the caller gets the daily health digest.</summary>
public sealed record HealthDigestInput(bool? Enabled);

public sealed record HealthDigestView(bool Enabled, string SendsAt);

/// <summary>
/// An administrator's own choice of the daily health digest (<see cref="SendHealthDigest"/>): on or
/// off, for themselves only. Needs an email address to be of use, so turning it on without one is
/// refused with the reason. Audited like any preference.
/// </summary>
public sealed class SaveHealthDigest(CrmDb db, TimeProvider clock)
{
    public static async Task<bool> IsEnabledAsync(CrmDb db, Actor actor, CancellationToken cancellationToken) =>
        actor.UserId is { } id && await db.Set<HealthDigestSubscription>().AnyAsync(s => s.UserId == id, cancellationToken);

    public async Task<Result<HealthDigestView>> RunAsync(Actor actor, HealthDigestInput? input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.UserId is not { } userId || actor.TokenScopes is not null)
        {
            return Result<HealthDigestView>.Forbidden("Only administrators choose the daily health digest, each for themselves.");
        }

        if (actor.IsPreview)
        {
            return Result<HealthDigestView>.Forbidden(RecordEditing.PreviewRefused);
        }

        if (input?.Enabled is not { } enabled)
        {
            return Result<HealthDigestView>.Invalid("enabled", "Say whether you want the daily digest (true or false).");
        }

        var current = await db.Set<HealthDigestSubscription>().FirstOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (enabled && current is null)
        {
            var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
            if (string.IsNullOrEmpty(email))
            {
                return Result<HealthDigestView>.Invalid("enabled", "Your account has no email address to send the digest to.");
            }

            db.Add(new HealthDigestSubscription { UserId = userId, SubscribedAt = clock.GetUtcNow().UtcDateTime });
        }
        else if (!enabled && current is not null)
        {
            db.Remove(current);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result<HealthDigestView>.Ok(new HealthDigestView(enabled, SendHealthDigest.SendsAtText));
    }
}
