using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

public sealed record ChangePasswordInput(string? CurrentPassword, string? NewPassword, string? ConfirmNewPassword);

/// <summary>
/// The signed-in user replaces their password (also how a temporary password is retired). Every
/// other session of the user ends; this one continues under a fresh session.
/// </summary>
public sealed class ChangePassword(
    UserManager<CrmUser> users,
    SignInUser signIn,
    Sessions sessions,
    ActivityLog activity,
    ILogger<ChangePassword> log)
{
    public async Task<Result> RunAsync(HttpContext http, ChangePasswordInput input, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        var errors = new FieldErrors()
            .Text("currentPassword", "Current password", input.CurrentPassword, PasswordPolicy.MaximumLength)
            .Text("newPassword", "New password", input.NewPassword, PasswordPolicy.MaximumLength);
        if (!string.IsNullOrEmpty(input.NewPassword) && input.ConfirmNewPassword is not null && input.ConfirmNewPassword != input.NewPassword)
        {
            errors.Add("confirmNewPassword", "The two new passwords do not match.");
        }

        if (!errors.Any && input.CurrentPassword == input.NewPassword)
        {
            errors.Add("newPassword", "The new password must differ from the current one.");
        }

        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var user = await users.FindByIdAsync(actor.UserId!.Value.ToString());
        if (user is null)
        {
            return Result.NotFound();
        }

        var changed = await users.ChangePasswordAsync(user, input.CurrentPassword!, input.NewPassword!);
        if (!changed.Succeeded)
        {
            return Result.Invalid(PasswordErrors.From(changed, "newPassword", currentPasswordField: "currentPassword"));
        }

        user.MustChangePassword = false;
        activity.Record(actor, ActivityKinds.PasswordChanged, $"{user.FullName} <{user.Email}> changed their password", user.Id);
        await users.UpdateAsync(user);

        // The security stamp changed, so every cookie of this user is already dead; the rows say so too.
        await sessions.RevokeAllAsync(user.Id, cancellationToken);
        await signIn.StartSessionAsync(user, http, cancellationToken);

        log.LogInformation("User {UserId} changed their password", user.Id);
        return Result.Ok();
    }
}

internal static class PasswordErrors
{
    /// <summary>Identity's errors as field messages: password rules on the new password, a mismatch on the current one.</summary>
    public static FieldErrors From(IdentityResult result, string passwordField, string? currentPasswordField = null)
    {
        var errors = new FieldErrors();
        foreach (var error in result.Errors)
        {
            if (error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) && currentPasswordField is not null)
            {
                errors.Add(currentPasswordField, "The current password is not correct.");
            }
            else
            {
                errors.Add(passwordField, error.Description);
            }
        }

        return errors;
    }
}
