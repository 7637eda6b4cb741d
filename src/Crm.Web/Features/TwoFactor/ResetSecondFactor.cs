using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// An administrator removes someone's second factors (a lost phone and lost recovery codes; passkeys too), after
/// entering their own password again. The person's sessions end, they are emailed, and the
/// activity log names who did it; they sign in with their password next and, if the policy
/// requires it, set up a new key before anything else.
/// </summary>
public sealed class ResetSecondFactor(CrmDb db, PasswordCheck passwords, TwoFactorNotices notices, ActivityLog activity, Sessions sessions)
{
    public async Task<Result> RunAsync(Actor actor, Guid userId, string? password, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview || actor.Kind != ActorKind.User || actor.UserId is not { } administratorId)
        {
            return Result.Forbidden("Only an administrator, signed in, can reset someone's two-factor sign-in.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Result.NotFound();
        }

        var administrator = await db.Users.FirstAsync(u => u.Id == administratorId, cancellationToken);
        var errors = await passwords.CheckAsync(administrator, password);
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var passkeys = await db.Set<Passkey>().CountAsync(p => p.UserId == userId, cancellationToken);
        if (!user.TwoFactorEnabled && passkeys == 0 && !await db.Set<TwoFactorEnrolment>().AnyAsync(e => e.UserId == userId, cancellationToken))
        {
            return Result.Conflict($"{user.FullName} has no second factor to reset.");
        }

        await SecondFactorRemoval.RemoveAsync(db, user, includingPasskeys: true, cancellationToken);
        activity.Record(actor, TwoFactorActivity.Reset, $"{actor.DisplayName} reset the two-factor sign-in of {user.FullName} <{user.Email}> (authenticator app, recovery codes and {passkeys} passkey(s) removed)", userId);
        notices.Queue(user, "Your two-factor sign-in was reset",
            $"{actor.DisplayName}, an administrator, removed the second factors of your CRM account (authenticator app, recovery codes and passkeys). Sign in with your password and set up your authenticator app or a passkey again on your account's security page.");
        await db.SaveChangesAsync(cancellationToken);
        notices.Send();
        await sessions.RevokeAllAsync(userId, cancellationToken);
        return Result.Ok();
    }
}
