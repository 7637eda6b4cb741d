using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>Ten new recovery codes for the signed-in user, with their password; the old ones stop working.</summary>
public sealed class RenewRecoveryCodes(CrmDb db, PasswordCheck passwords, RecoveryCodes recoveryCodes, TwoFactorNotices notices, ActivityLog activity)
{
    public async Task<Result<IReadOnlyList<string>>> RunAsync(Actor actor, string? password, CancellationToken cancellationToken)
    {
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result<IReadOnlyList<string>>.Forbidden("Two-factor sign-in is managed by the person themselves, signed in.");
        }

        var user = await db.Users.FirstAsync(u => u.Id == userId, cancellationToken);
        if (!user.TwoFactorEnabled)
        {
            return Result<IReadOnlyList<string>>.Conflict("Two-factor sign-in is off: there are no recovery codes to renew.");
        }

        var errors = await passwords.CheckAsync(user, password);
        if (errors.Any)
        {
            return Result<IReadOnlyList<string>>.Invalid(errors);
        }

        var codes = await recoveryCodes.ReplaceAsync(userId, cancellationToken);
        activity.Record(actor, TwoFactorActivity.RecoveryCodesRenewed, $"{user.FullName} <{user.Email}> renewed their recovery codes", userId);
        notices.Queue(user, "New recovery codes", "New recovery codes were made for your CRM account; the previous ones no longer work.");
        await db.SaveChangesAsync(cancellationToken);
        notices.Send();
        return Result<IReadOnlyList<string>>.Ok(codes);
    }
}
