using System.Security.Claims;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

public sealed record SignInInput(string? Email, string? Password);

/// <summary>What the caller should do next after a successful sign-in.</summary>
public sealed record SignedIn(Guid UserId, bool MustChangePassword)
{
    /// <summary>The password was right but the user has two-factor sign-in: no session yet, the second step comes next.</summary>
    public bool AwaitsSecondStep { get; init; }

    /// <summary>The session may only reach two-factor enrolment (the administrators' policy).</summary>
    public bool MustEnrolSecondFactor { get; init; }
}

/// <summary>
/// Signs a person in with email and password. Every failure (unknown email, wrong password,
/// locked out) gets the same answer, so the form cannot be used to find out who has an account.
/// </summary>
public sealed class SignInUser(
    UserManager<CrmUser> users,
    SignInManager<CrmUser> signIn,
    IPasswordHasher<CrmUser> hasher,
    Sessions sessions,
    CrmDb db,
    ActivityLog activity,
    PendingSecondStep pendingSecondStep,
    SecondFactorPolicy secondFactorPolicy,
    ILogger<SignInUser> log)
{
    public const string FailureMessage =
        "Sign-in failed: check your email address and password. After repeated failures, sign-in is paused for a while.";

    public const string IntegrationMessage =
        "This is an integration user: it connects through API tokens and webhooks only and cannot sign in through the browser.";

    // Verified against when the email is unknown, so both paths cost one password hash.
    private static readonly Lazy<(CrmUser User, string Hash)> s_decoy = new(() =>
    {
        var user = new CrmUser();
        return (user, new PasswordHasher<CrmUser>().HashPassword(user, Guid.NewGuid().ToString()));
    });

    public async Task<Result<SignedIn>> RunAsync(SignInInput input, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Email("email", "Email", input.Email)
            .Text("password", "Password", input.Password, PasswordPolicy.MaximumLength);
        if (errors.Any)
        {
            return Result<SignedIn>.Invalid(errors);
        }

        var user = await users.FindByEmailAsync(input.Email!.Trim());
        if (user is null)
        {
            hasher.VerifyHashedPassword(s_decoy.Value.User, s_decoy.Value.Hash, input.Password!);
            log.LogInformation("Sign-in failed: no account for the given email");
            await RecordAsync(http, null, input.Email!.Trim(), ActivityKinds.SignInFailed, $"Failed sign-in for unknown address {input.Email!.Trim()}", cancellationToken);
            return Result<SignedIn>.Invalid("", FailureMessage);
        }

        var check = await signIn.CheckPasswordSignInAsync(user, input.Password!, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            log.LogInformation("Sign-in failed for user {UserId} (locked out: {LockedOut})", user.Id, check.IsLockedOut);
            await RecordAsync(http, user, user.Email ?? "", ActivityKinds.SignInFailed,
                check.IsLockedOut ? $"Sign-in refused: {user.Email} is locked out after repeated failures" : $"Failed sign-in for {user.Email} (wrong password)",
                cancellationToken);
            return Result<SignedIn>.Invalid("", FailureMessage);
        }

        if (!user.IsActive)
        {
            // Said only to someone who knows the password: it helps them and tells an attacker nothing.
            log.LogInformation("Sign-in refused for deactivated user {UserId}", user.Id);
            await RecordAsync(http, user, user.Email ?? "", ActivityKinds.SignInFailed, $"Sign-in refused: {user.Email} is deactivated", cancellationToken);
            return Result<SignedIn>.Forbidden("This account is deactivated. Ask your administrator to reactivate it.");
        }

        if (user.IsIntegration)
        {
            // Like deactivation, said only to someone who knows the password (an account made an integration user keeps its old hash).
            log.LogInformation("Sign-in refused for integration user {UserId}", user.Id);
            await RecordAsync(http, user, user.Email ?? "", ActivityKinds.SignInFailed, $"Sign-in refused: {user.Email} is an integration user", cancellationToken);
            return Result<SignedIn>.Forbidden(IntegrationMessage);
        }

        if (user.TwoFactorEnabled)
        {
            // No session until the second factor is given too (Features/TwoFactor).
            await pendingSecondStep.BeginAsync(user, http);
            log.LogInformation("User {UserId} gave the right password; the second step is awaited", user.Id);
            return Result<SignedIn>.Ok(new SignedIn(user.Id, user.MustChangePassword) { AwaitsSecondStep = true });
        }

        return Result<SignedIn>.Ok(await CompleteAsync(user, http, "signed in", cancellationToken));
    }

    /// <summary>Records the sign-in and opens the session (after the password, or after the second step); <paramref name="how"/> ends the log line.</summary>
    public async Task<SignedIn> CompleteAsync(CrmUser user, HttpContext http, string how, CancellationToken cancellationToken)
    {
        activity.Record(ActorOf(http, user.Id, user.FullName), ActivityKinds.SignIn, $"{user.FullName} <{user.Email}> {how}", user.Id);
        var mustEnrol = await StartSessionAsync(user, http, cancellationToken);
        log.LogInformation("User {UserId} signed in", user.Id);
        return new SignedIn(user.Id, user.MustChangePassword) { MustEnrolSecondFactor = mustEnrol };
    }

    private async Task RecordAsync(HttpContext http, CrmUser? user, string name, string kind, string summary, CancellationToken cancellationToken)
    {
        activity.Record(ActorOf(http, user?.Id, user?.FullName ?? name), kind, summary, user?.Id);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Sign-in happens before there is a signed-in actor: the entry names the account it is about.</summary>
    public static Actor ActorOf(HttpContext http, Guid? userId, string name) => new(ActorKind.User, userId, false, name)
    {
        IpAddress = http.Connection.RemoteIpAddress?.ToString(),
        UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 512)] : null,
    };

    /// <summary>
    /// Opens a server-side session and issues the cookie that names it. True when the
    /// administrators' two-factor policy holds the session on enrolment (its cookie says so).
    /// </summary>
    public async Task<bool> StartSessionAsync(CrmUser user, HttpContext http, CancellationToken cancellationToken)
    {
        // Read before the session stamps it: a new user's first sign-in gets no grace period (ADR 0048).
        var firstSignIn = user.LastSignInAt is null;
        var sessionId = await sessions.StartAsync(user, http, cancellationToken);
        var policyClaims = await secondFactorPolicy.SessionClaimsAsync(user, firstSignIn, cancellationToken);
        await signIn.SignInWithClaimsAsync(
            user,
            new AuthenticationProperties { IsPersistent = false },
            [new Claim(Sessions.SessionClaim, sessionId.ToString()), .. policyClaims]);
        return policyClaims.Any(c => c.Type == SecondFactorPolicy.MustEnrolClaim);
    }
}

/// <summary>Ends the server-side session (a copied cookie stops working) and clears the cookie.</summary>
public sealed class SignOutUser(SignInManager<CrmUser> signIn, Sessions sessions, CrmDb db, ActivityLog activity, ILogger<SignOutUser> log)
{
    public async Task RunAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.SignedIn() is { } signedIn)
        {
            var actor = signedIn.PreviewedBy is { } administrator
                ? new Actor(ActorKind.User, administrator.UserId, true, administrator.DisplayName) { IpAddress = http.Connection.RemoteIpAddress?.ToString() }
                : http.Actor();
            activity.Record(actor, ActivityKinds.SignOut, $"{actor.DisplayName} signed out", actor.UserId);
            await db.SaveChangesAsync(cancellationToken);
        }

        await sessions.EndAsync(http.User, cancellationToken);
        await signIn.SignOutAsync();
        log.LogInformation("User {UserId} signed out", http.User.FindFirstValue(ClaimTypes.NameIdentifier));
    }
}
