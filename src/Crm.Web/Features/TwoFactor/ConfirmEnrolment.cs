using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Turns two-factor sign-in on with the first code of the new key, which proves the app holds it,
/// and makes the ten recovery codes, returned this once. A session the policy held on enrolment
/// is replaced by a free one.
/// </summary>
public sealed class ConfirmEnrolment(
    CrmDb db,
    Authenticator authenticator,
    RecoveryCodes recoveryCodes,
    TwoFactorNotices notices,
    ActivityLog activity,
    Sessions sessions,
    SignInUser signIn,
    TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<string>>> RunAsync(HttpContext http, string? code, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result<IReadOnlyList<string>>.Forbidden("Two-factor sign-in is set up by the person themselves, signed in.");
        }

        var errors = CodeInput.Authenticator(code, out var digits);
        if (errors.Any)
        {
            return Result<IReadOnlyList<string>>.Invalid(errors);
        }

        var enrolment = await db.Set<TwoFactorEnrolment>().FirstOrDefaultAsync(e => e.UserId == userId && e.ConfirmedAt == null, cancellationToken);
        if (enrolment is null)
        {
            return Result<IReadOnlyList<string>>.Conflict("There is no new key waiting for its first code: start the set-up again.");
        }

        if (!await authenticator.AcceptAsync(enrolment, digits, cancellationToken))
        {
            return Result<IReadOnlyList<string>>.Invalid("code", "That code is not right, or was already used. Check that your phone's clock is set automatically and enter the code now shown.");
        }

        var user = await db.Users.FirstAsync(u => u.Id == userId, cancellationToken);
        enrolment.ConfirmedAt = clock.GetUtcNow().UtcDateTime;
        user.TwoFactorEnabled = true;
        var codes = await recoveryCodes.ReplaceAsync(userId, cancellationToken);
        activity.Record(actor, TwoFactorActivity.Enabled, $"{user.FullName} <{user.Email}> turned on two-factor sign-in", userId);
        notices.Queue(user, "Two-factor sign-in is on", "Two-factor sign-in was turned on for your CRM account. From now on, signing in asks for a code from your authenticator app after your password.");
        await db.SaveChangesAsync(cancellationToken);
        notices.Send();

        // A fresh session without the policy's claims: releases a held one and ends a grace period's banner.
        if (http.User.HasClaim(SecondFactorPolicy.MustEnrolClaim, "true") || http.User.HasClaim(c => c.Type == SecondFactorPolicy.GraceUntilClaim))
        {
            await sessions.EndAsync(http.User, cancellationToken);
            await signIn.StartSessionAsync(user, http, cancellationToken);
        }

        return Result<IReadOnlyList<string>>.Ok(codes);
    }
}
