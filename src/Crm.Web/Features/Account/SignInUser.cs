using System.Security.Claims;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

public sealed record SignInInput(string? Email, string? Password);

/// <summary>What the caller should do next after a successful sign-in.</summary>
public sealed record SignedIn(Guid UserId, bool MustChangePassword);

/// <summary>
/// Signs a person in with email and password. Every failure (unknown email, wrong password,
/// locked out) gets the same answer, so the form cannot be used to find out who has an account.
/// </summary>
public sealed class SignInUser(
    UserManager<CrmUser> users,
    SignInManager<CrmUser> signIn,
    IPasswordHasher<CrmUser> hasher,
    Sessions sessions,
    ILogger<SignInUser> log)
{
    public const string FailureMessage =
        "Sign-in failed: check your email address and password. After repeated failures, sign-in is paused for a while.";

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
            return Result<SignedIn>.Invalid("", FailureMessage);
        }

        var check = await signIn.CheckPasswordSignInAsync(user, input.Password!, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            log.LogInformation("Sign-in failed for user {UserId} (locked out: {LockedOut})", user.Id, check.IsLockedOut);
            return Result<SignedIn>.Invalid("", FailureMessage);
        }

        if (!user.IsActive)
        {
            // Said only to someone who knows the password: it helps them and tells an attacker nothing.
            log.LogInformation("Sign-in refused for deactivated user {UserId}", user.Id);
            return Result<SignedIn>.Forbidden("This account is deactivated. Ask your administrator to reactivate it.");
        }

        await StartSessionAsync(user, http, cancellationToken);
        log.LogInformation("User {UserId} signed in", user.Id);
        return Result<SignedIn>.Ok(new SignedIn(user.Id, user.MustChangePassword));
    }

    /// <summary>Opens a server-side session and issues the cookie that names it.</summary>
    public async Task StartSessionAsync(CrmUser user, HttpContext http, CancellationToken cancellationToken)
    {
        var sessionId = await sessions.StartAsync(user, http, cancellationToken);
        await signIn.SignInWithClaimsAsync(
            user,
            new AuthenticationProperties { IsPersistent = false },
            [new Claim(Sessions.SessionClaim, sessionId.ToString())]);
    }
}

/// <summary>Ends the server-side session (a copied cookie stops working) and clears the cookie.</summary>
public sealed class SignOutUser(SignInManager<CrmUser> signIn, Sessions sessions, ILogger<SignOutUser> log)
{
    public async Task RunAsync(HttpContext http, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(http.User, cancellationToken);
        await signIn.SignOutAsync();
        log.LogInformation("User {UserId} signed out", http.User.FindFirstValue(ClaimTypes.NameIdentifier));
    }
}
