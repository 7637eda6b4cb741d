using Crm.Web.Data;
using Crm.Web.Features.Users;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Offboarding;

/// <summary>
/// Step 1, the seed's "immediately on departure": the users feature's own deactivation (sessions
/// ended at once, sign-in and API tokens refused from the next request, seat freed), then the step
/// marked done. Deactivation is idempotent, so a repeat after a failed mark simply completes it.
/// </summary>
public sealed class DeactivateLeaver(CrmDb db, SetUserActive setActive, TimeProvider clock)
{
    public async Task<Result> RunAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden(ReadOffboarding.AdministratorsOnly);
        }

        var wasActive = await db.Users.Where(u => u.Id == userId).Select(u => (bool?)u.IsActive).FirstOrDefaultAsync(cancellationToken);
        if (wasActive is null)
        {
            return Result.NotFound();
        }

        var deactivated = await setActive.RunAsync(actor, userId, false, cancellationToken);
        if (!deactivated.IsOk)
        {
            return deactivated;
        }

        await OffboardingStep.MarkAsync(db, userId, OffboardingSteps.Deactivate, actor,
            wasActive.Value
                ? "Deactivated: signed out of every session; sign-in and the account's API tokens refused; seat freed."
                : "Was already deactivated: sign-in and the account's API tokens are refused.",
            clock.GetUtcNow().UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
