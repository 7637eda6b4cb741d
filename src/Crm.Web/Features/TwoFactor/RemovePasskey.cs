using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// A person removes one of their own passkeys (a lost or retired device), after a fresh sign-in
/// like turning off the authenticator app. Their last second factor gone, two-factor sign-in is off
/// and, where the policy requires it, the new session is held on enrolment again.
/// </summary>
public sealed class RemovePasskey(
    CrmDb db,
    FreshSignIn freshSignIn,
    TwoFactorNotices notices,
    ActivityLog activity,
    Sessions sessions,
    SignInUser signIn)
{
    public async Task<Result> RunAsync(HttpContext http, Guid passkeyId, string? password, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result.Forbidden(AddPasskey.NotByPerson);
        }

        var passkey = await db.Set<Passkey>().FirstOrDefaultAsync(p => p.Id == passkeyId && p.UserId == userId, cancellationToken);
        if (passkey is null)
        {
            return Result.NotFound();
        }

        if (await freshSignIn.RequireAsync(password, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var user = await db.Users.FirstAsync(u => u.Id == userId, cancellationToken);
        db.Remove(passkey);
        var othersLeft = await db.Set<Passkey>().AnyAsync(p => p.UserId == userId && p.Id != passkeyId, cancellationToken)
            || await db.Set<TwoFactorEnrolment>().AnyAsync(e => e.UserId == userId && e.ConfirmedAt != null, cancellationToken);
        user.TwoFactorEnabled = othersLeft;
        activity.Record(actor, TwoFactorActivity.PasskeyRemoved, $"{user.FullName} <{user.Email}> removed the passkey \"{passkey.Name}\"", userId);
        notices.Queue(user, "A passkey was removed",
            $"The passkey \"{passkey.Name}\" was removed from your CRM account and no longer signs you in."
            + (othersLeft ? "" : " You have no second factor left: signing in now asks for your password only."));
        await db.SaveChangesAsync(cancellationToken);
        notices.Send();

        if (!othersLeft)
        {
            // A new session, so that the policy's decision is taken again for it.
            await sessions.EndAsync(http.User, cancellationToken);
            await signIn.StartSessionAsync(user, http, cancellationToken);
        }

        return Result.Ok();
    }
}
