using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Turns "require two-factor sign-in for administrators" on or off. It bites at each
/// administrator's next sign-in: sessions already open are not interrupted.
/// </summary>
public sealed class SaveTwoFactorPolicy(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public async Task<Result> RunAsync(Actor actor, bool requiredForAdministrators, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only an administrator can change the two-factor policy.");
        }

        var policy = await db.Set<TwoFactorPolicy>().FirstOrDefaultAsync(p => p.Id == TwoFactorPolicy.TheId, cancellationToken);
        if (policy is null)
        {
            policy = new TwoFactorPolicy();
            db.Add(policy);
        }
        else if (policy.RequiredForAdministrators == requiredForAdministrators)
        {
            return Result.Ok();
        }

        policy.RequiredForAdministrators = requiredForAdministrators;
        policy.ChangedAt = clock.GetUtcNow().UtcDateTime;
        activity.Record(actor, TwoFactorActivity.PolicyChanged,
            requiredForAdministrators ? "Two-factor sign-in is now required for administrators" : "Two-factor sign-in is no longer required for administrators");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
