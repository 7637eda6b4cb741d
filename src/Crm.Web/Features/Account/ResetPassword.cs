using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

public sealed record ResetPasswordInput(string? User, string? Token, string? NewPassword, string? ConfirmNewPassword);

/// <summary>Which link is being used: "forgot password" (2 h) or a new account's welcome link (72 h).</summary>
public enum PasswordLink
{
    Reset,
    Welcome,
}

/// <summary>
/// Sets a new password from a single-use link; ends every session of the account. Both kinds of
/// link end in Identity's reset, which checks the password rules and changes the security stamp
/// (so the link cannot be used twice).
/// </summary>
public sealed class ResetPassword(UserManager<CrmUser> users, Sessions sessions, ActivityLog activity, ILogger<ResetPassword> log)
{
    public const string InvalidLinkMessage = "This link is invalid, already used or expired. Ask for a new one.";

    public async Task<Result> RunAsync(ResetPasswordInput input, PasswordLink link, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Text("newPassword", "New password", input.NewPassword, PasswordPolicy.MaximumLength);
        if (!string.IsNullOrEmpty(input.NewPassword) && input.ConfirmNewPassword is not null && input.ConfirmNewPassword != input.NewPassword)
        {
            errors.Add("confirmNewPassword", "The two new passwords do not match.");
        }

        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        if (!Guid.TryParse(input.User, out var userId) || string.IsNullOrEmpty(input.Token) || input.Token.Length > 2048
            || await users.FindByIdAsync(userId.ToString()) is not { IsActive: true } user)
        {
            return Result.Invalid("", InvalidLinkMessage);
        }

        if (user.IsIntegration)
        {
            return Result.Forbidden(SignInUser.IntegrationMessage);
        }

        var token = input.Token;
        if (link == PasswordLink.Welcome)
        {
            if (!await users.VerifyUserTokenAsync(user, SetPasswordTokens.ProviderName, SetPasswordTokens.Purpose, token))
            {
                return Result.Invalid("", InvalidLinkMessage);
            }

            token = await users.GeneratePasswordResetTokenAsync(user);
        }

        var reset = await users.ResetPasswordAsync(user, token, input.NewPassword!);
        if (!reset.Succeeded)
        {
            return reset.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
                ? Result.Invalid("", InvalidLinkMessage)
                : Result.Invalid(PasswordErrors.From(reset, "newPassword"));
        }

        user.MustChangePassword = false;
        activity.Record(new Actor(ActorKind.User, user.Id, false, user.FullName), ActivityKinds.PasswordChanged,
            $"{user.FullName} <{user.Email}> set a new password with a {(link == PasswordLink.Welcome ? "welcome" : "reset")} link", user.Id);
        await users.UpdateAsync(user);
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);

        await sessions.RevokeAllAsync(user.Id, cancellationToken);
        log.LogInformation("User {UserId} set their password with a {Link} link", user.Id, link);
        return Result.Ok();
    }
}
