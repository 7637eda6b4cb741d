using Crm.Web.Data;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Offboarding;

/// <summary>
/// Step 4: deactivation already refuses the leaver's tokens, but only while the account stays
/// deactivated; revoking ends them for good, should the account ever be reactivated. Through the
/// API-tokens feature's own "revoke all of a user's tokens" (each revocation in the activity log),
/// in one transaction with the step's mark.
/// </summary>
public sealed class RevokeLeaversTokens(CrmDb db, RevokeUsersApiTokens revoke, TimeProvider clock)
{
    public async Task<Result<RevokedUsersApiTokens>> RunAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<RevokedUsersApiTokens>.Forbidden(ReadOffboarding.AdministratorsOnly);
        }

        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return Result<RevokedUsersApiTokens>.NotFound();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await revoke.RunAsync(actor, userId, cancellationToken);
        if (!revoked.IsOk)
        {
            return revoked;
        }

        var names = revoked.Value.Revoked.Select(t => $"\"{t.Name}\"").ToList();
        await OffboardingStep.MarkAsync(db, userId, OffboardingSteps.RevokeTokens, actor,
            names.Count == 0 ? "No live API tokens were left to revoke." : $"Revoked {names.Count} API token(s): {string.Join(", ", names)}.",
            clock.GetUtcNow().UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }
}
