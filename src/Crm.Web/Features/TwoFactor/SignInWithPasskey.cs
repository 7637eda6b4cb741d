using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Signing in with a passkey: as the second step after a right password, or alone where the
/// organisation allows passwordless sign-in. Identity's passkey handler verifies the answer
/// (challenge, origin, relying party, signature, user verification, counter); this class adds what
/// a password sign-in checks too (deactivated and integration users, lockout, the activity log)
/// and opens the session the same way. A failure with a known account counts towards its lockout.
/// </summary>
public sealed class SignInWithPasskey(
    CrmDb db,
    UserManager<CrmUser> users,
    IPasskeyHandler<CrmUser> handler,
    PasskeyCeremonies ceremonies,
    PendingSecondStep pending,
    SecondFactorPolicy policy,
    ActivityLog activity,
    SignInUser signIn,
    TimeProvider clock,
    ILogger<SignInWithPasskey> log)
{
    public const string PasswordlessOff = "Signing in with a passkey alone is not allowed by your organisation: sign in with your password.";
    public const string Refused = "Sign-in with the passkey failed. Try again, or use another way to sign in.";
    public const string CounterRefused = "This passkey was refused: its authenticator's use counter went backwards, a sign that it may have been copied. Use another way to sign in, and tell your administrator.";
    public const string Expired = "The passkey sign-in took too long or was already used. Start again.";

    /// <summary>Which second factors the person between password and second step has, for the page to offer; null when nobody is waiting.</summary>
    public async Task<(bool AuthenticatorApp, bool Passkeys)?> PendingFactorsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (await pending.ReadAsync(http) is not { } waiting)
        {
            return null;
        }

        return (await db.Set<TwoFactorEnrolment>().AnyAsync(e => e.UserId == waiting.UserId && e.ConfirmedAt != null, cancellationToken),
            await db.Set<Passkey>().AnyAsync(p => p.UserId == waiting.UserId, cancellationToken));
    }

    /// <summary>Whether the sign-in page offers "Sign in with a passkey".</summary>
    public Task<bool> PasswordlessAllowedAsync(CancellationToken cancellationToken) => policy.PasswordlessSignInAsync(cancellationToken);

    /// <summary>Request options for the person between password and second step (only their passkeys are offered).</summary>
    public async Task<Result<string>> StartSecondStepAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (await pending.ReadAsync(http) is not { } waiting
            || await users.FindByIdAsync(waiting.UserId.ToString()) is not { IsActive: true, TwoFactorEnabled: true } user
            || user.SecurityStamp != waiting.Stamp)
        {
            return Result<string>.Forbidden(VerifySecondStep.Expired);
        }

        var options = await handler.MakeRequestOptionsAsync(user, http);
        await ceremonies.BeginAsync(http, PasskeyPurpose.SecondStep, user.Id, null, null, options.AssertionState!, cancellationToken);
        return Result<string>.Ok(options.RequestOptionsJson);
    }

    /// <summary>Request options for a passwordless sign-in: no account is named, the passkey chosen says who.</summary>
    public async Task<Result<string>> StartPasswordlessAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!await policy.PasswordlessSignInAsync(cancellationToken))
        {
            return Result<string>.Forbidden(PasswordlessOff);
        }

        var options = await handler.MakeRequestOptionsAsync(null, http);
        await ceremonies.BeginAsync(http, PasskeyPurpose.Passwordless, null, null, null, options.AssertionState!, cancellationToken);
        return Result<string>.Ok(options.RequestOptionsJson);
    }

    /// <summary>Checks the browser's answer to the ceremony of <paramref name="purpose"/> and, when it is right, opens the session.</summary>
    public async Task<Result<SignedIn>> FinishAsync(HttpContext http, string purpose, string? credentialJson, CancellationToken cancellationToken)
    {
        var challenge = await ceremonies.ClaimAsync(http, purpose, cancellationToken);
        (Guid UserId, string Stamp)? waiting = null;
        if (purpose == PasskeyPurpose.SecondStep)
        {
            waiting = await pending.ReadAsync(http);
            if (waiting is null)
            {
                return Result<SignedIn>.Forbidden(VerifySecondStep.Expired);
            }
        }
        else if (!await policy.PasswordlessSignInAsync(cancellationToken))
        {
            return Result<SignedIn>.Forbidden(PasswordlessOff);
        }

        if (challenge is null || (waiting is { } w && challenge.UserId != w.UserId))
        {
            return Result<SignedIn>.Invalid("", Expired);
        }

        var answer = PasskeyAnswer.Read(credentialJson);
        var stored = answer is null ? null
            : await db.Set<Passkey>().AsNoTracking().FirstOrDefaultAsync(p => p.CredentialId == answer.CredentialId, cancellationToken);
        if (waiting is { } expected && stored?.UserId != expected.UserId)
        {
            // Someone else's passkey at this person's second step is, for them, an unknown one.
            stored = null;
        }

        var claimedBy = stored is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == stored.UserId, cancellationToken);
        var how = purpose == PasskeyPurpose.SecondStep ? "passkey as second step" : "passkey without password";
        if (answer is null || stored is null || claimedBy is null)
        {
            log.LogInformation("Passkey sign-in refused ({How}): unknown credential", how);
            await FailAsync(http, waiting is { } known ? await users.FindByIdAsync(known.UserId.ToString()) : null, "an unknown passkey", countsTowardsLockout: waiting is not null, cancellationToken);
            return Result<SignedIn>.Invalid("", Refused);
        }

        var assertion = await handler.PerformAssertionAsync(new PasskeyAssertionContext
        {
            HttpContext = http,
            CredentialJson = credentialJson!,
            AssertionState = challenge.State,
        });
        if (!assertion.Succeeded)
        {
            log.LogInformation("Passkey sign-in refused for user {UserId} ({How}): {Reason}", claimedBy.Id, how, assertion.Failure?.Message);
            await FailAsync(http, claimedBy, $"the passkey \"{stored.Name}\", whose answer did not check out", true, cancellationToken);
            return Result<SignedIn>.Invalid("", Refused);
        }

        var user = assertion.User;
        if (waiting is { } step && (user.Id != step.UserId || user.SecurityStamp != step.Stamp))
        {
            await pending.EndAsync(http);
            return Result<SignedIn>.Forbidden(VerifySecondStep.Expired);
        }

        if (!user.IsActive || user.IsIntegration)
        {
            log.LogInformation("Passkey sign-in refused for user {UserId}: deactivated or integration user", user.Id);
            await RecordAsync(http, user, ActivityKinds.SignInFailed, $"Sign-in with a passkey refused: {user.Email} is {(user.IsActive ? "an integration user" : "deactivated")}", cancellationToken);
            return Result<SignedIn>.Forbidden(user.IsActive ? SignInUser.IntegrationMessage : "This account is deactivated. Ask your administrator to reactivate it.");
        }

        if (await users.IsLockedOutAsync(user))
        {
            await RecordAsync(http, user, ActivityKinds.SignInFailed, $"Sign-in refused: {user.Email} is locked out after repeated failures", cancellationToken);
            return Result<SignedIn>.Invalid("", SignInUser.FailureMessage);
        }

        // The sign counter (WebAuthn §7.2 step 22): it must grow unless the authenticator keeps none (0, as
        // stored). Checked here rather than by the handler (PasskeyStore gives it 0), in one conditional
        // update, so that two answers racing with the same counter cannot both pass.
        var count = (long)assertion.Passkey.SignCount;
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.Set<Passkey>()
            .Where(p => p.Id == stored.Id && (p.SignCount < count || (count == 0 && p.SignCount == 0)))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.SignCount, count).SetProperty(p => p.LastUsedAt, now).SetProperty(p => p.IsBackedUp, assertion.Passkey.IsBackedUp), cancellationToken);
        if (claimed == 0)
        {
            log.LogWarning("Passkey {PasskeyId} of user {UserId} refused: its sign counter {Reported} does not grow past the stored {Stored} (a copied authenticator?)",
                stored.Id, user.Id, count, stored.SignCount);
            await FailAsync(http, user, $"the passkey \"{stored.Name}\" whose use counter did not grow (a copied authenticator?)", true, cancellationToken);
            return Result<SignedIn>.Invalid("", CounterRefused);
        }

        await users.ResetAccessFailedCountAsync(user);
        if (waiting is not null)
        {
            await pending.EndAsync(http);
        }

        var signedIn = await signIn.CompleteAsync(user, http,
            waiting is not null ? $"signed in with the passkey \"{stored.Name}\" as second step" : $"signed in with the passkey \"{stored.Name}\", without a password",
            cancellationToken);
        return Result<SignedIn>.Ok(signedIn);
    }

    private async Task FailAsync(HttpContext http, CrmUser? user, string what, bool countsTowardsLockout, CancellationToken cancellationToken)
    {
        if (user is not null && countsTowardsLockout)
        {
            await users.AccessFailedAsync(user);
        }

        await RecordAsync(http, user, ActivityKinds.SignInFailed,
            user is null ? $"Failed sign-in with {what}" : $"Failed sign-in for {user.Email} with {what}", cancellationToken);
    }

    private async Task RecordAsync(HttpContext http, CrmUser? user, string kind, string summary, CancellationToken cancellationToken)
    {
        activity.Record(SignInUser.ActorOf(http, user?.Id, user?.FullName ?? "unknown"), kind, summary, user?.Id);
        await db.SaveChangesAsync(cancellationToken);
    }
}
