using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// The second step of signing in: an authenticator code or a recovery code after the right
/// password. Wrong codes count towards the same lockout as wrong passwords (and a right password
/// does not clear the count for a user with two factors, so the two cannot be alternated).
/// Only a right code opens a session.
/// </summary>
public sealed class VerifySecondStep(
    CrmDb db,
    UserManager<CrmUser> users,
    PendingSecondStep pending,
    Authenticator authenticator,
    RecoveryCodes recoveryCodes,
    TwoFactorNotices notices,
    ActivityLog activity,
    SignInUser signIn,
    ILogger<VerifySecondStep> log)
{
    public const string Expired = "Your sign-in has expired. Sign in again with your password.";
    public const string WrongCode = "That code is not right, or was already used. Enter the code your app shows now, or a recovery code.";

    public async Task<Result<SignedIn>> RunAsync(string? code, HttpContext http, CancellationToken cancellationToken)
    {
        if (await pending.ReadAsync(http) is not { } waiting)
        {
            return Result<SignedIn>.Forbidden(Expired);
        }

        var errors = CodeInput.EitherCode(code, out var given, out var isRecoveryCode);
        if (errors.Any)
        {
            return Result<SignedIn>.Invalid(errors);
        }

        var user = await users.FindByIdAsync(waiting.UserId.ToString());
        if (user is not { IsActive: true, TwoFactorEnabled: true } || user.SecurityStamp != waiting.Stamp)
        {
            await pending.EndAsync(http);
            return Result<SignedIn>.Forbidden(Expired);
        }

        if (user.IsIntegration)
        {
            // Made an integration user between the two steps.
            await pending.EndAsync(http);
            return Result<SignedIn>.Forbidden(SignInUser.IntegrationMessage);
        }

        var actor = SignInUser.ActorOf(http, user.Id, user.FullName);
        if (await users.IsLockedOutAsync(user))
        {
            activity.Record(actor, ActivityKinds.SignInFailed, $"Sign-in refused: {user.Email} is locked out after repeated failures", user.Id);
            await db.SaveChangesAsync(cancellationToken);
            return Result<SignedIn>.Invalid("", SignInUser.FailureMessage);
        }

        var enrolment = await db.Set<TwoFactorEnrolment>().FirstOrDefaultAsync(e => e.UserId == user.Id && e.ConfirmedAt != null, cancellationToken);
        var accepted = enrolment is not null && (isRecoveryCode
            ? await recoveryCodes.UseAsync(user.Id, given, cancellationToken)
            : await authenticator.AcceptAsync(enrolment, given, cancellationToken));
        if (!accepted)
        {
            await users.AccessFailedAsync(user);
            activity.Record(actor, ActivityKinds.SignInFailed, $"Failed sign-in for {user.Email} (wrong {(isRecoveryCode ? "recovery code" : "authenticator code")})", user.Id);
            await db.SaveChangesAsync(cancellationToken);
            log.LogInformation("Second step failed for user {UserId}", user.Id);
            return Result<SignedIn>.Invalid("code", WrongCode);
        }

        await users.ResetAccessFailedCountAsync(user);
        await pending.EndAsync(http);
        if (isRecoveryCode)
        {
            var left = await recoveryCodes.LeftAsync(user.Id, cancellationToken);
            activity.Record(actor, TwoFactorActivity.RecoveryCodeUsed, $"{user.FullName} <{user.Email}> used a recovery code to sign in ({left} left)", user.Id);
            notices.Queue(user, "A recovery code was used",
                $"A recovery code was used to sign in to your CRM account. {left} of your recovery codes are left; make new ones on your account's security page if you are running low.");
        }

        var signedIn = await signIn.CompleteAsync(user, http, isRecoveryCode ? "signed in with a recovery code" : "signed in with an authenticator code", cancellationToken);
        notices.Send();
        return Result<SignedIn>.Ok(signedIn);
    }
}
