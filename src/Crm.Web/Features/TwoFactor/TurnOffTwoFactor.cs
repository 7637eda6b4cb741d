using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// The user turns their own second factor off, with their password. Under the administrators'
/// policy this is how an administrator moves to a new phone: the session is at once held on
/// enrolment again, so they cannot carry on without a second factor.
/// </summary>
public sealed class TurnOffTwoFactor(
    CrmDb db,
    PasswordCheck passwords,
    TwoFactorNotices notices,
    ActivityLog activity,
    Sessions sessions,
    SignInUser signIn)
{
    public async Task<Result> RunAsync(HttpContext http, string? password, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result.Forbidden("Two-factor sign-in is managed by the person themselves, signed in.");
        }

        var user = await db.Users.FirstAsync(u => u.Id == userId, cancellationToken);
        var errors = await passwords.CheckAsync(user, password, "turnOffPassword");
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        await SecondFactorRemoval.RemoveAsync(db, user, includingPasskeys: false, cancellationToken);
        activity.Record(actor, TwoFactorActivity.Disabled, $"{user.FullName} <{user.Email}> turned off two-factor sign-in", userId);
        notices.Queue(user, "Two-factor sign-in is off", user.TwoFactorEnabled
            ? "The authenticator app was turned off for your CRM account: your passkeys remain your second factor. Your recovery codes no longer work."
            : "Two-factor sign-in was turned off for your CRM account: signing in now asks for your password only. Your recovery codes no longer work.");
        await db.SaveChangesAsync(cancellationToken);
        notices.Send();

        // A new session, so that the policy's decision is taken again for it.
        await sessions.EndAsync(http.User, cancellationToken);
        await signIn.StartSessionAsync(user, http, cancellationToken);
        return Result.Ok();
    }
}

internal static class SecondFactorRemoval
{
    /// <summary>
    /// Forgets the key and the recovery codes, and the passkeys when <paramref name="includingPasskeys"/>
    /// (an administrator's reset); the user's flag stays on while passkeys remain (saved by the caller).
    /// </summary>
    public static async Task RemoveAsync(CrmDb db, CrmUser user, bool includingPasskeys, CancellationToken cancellationToken)
    {
        await db.Set<RecoveryCode>().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<TwoFactorEnrolment>().Where(e => e.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        if (includingPasskeys)
        {
            await db.Set<Passkey>().Where(p => p.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        }

        user.TwoFactorEnabled = !includingPasskeys && await db.Set<Passkey>().AnyAsync(p => p.UserId == user.Id, cancellationToken);
    }
}
