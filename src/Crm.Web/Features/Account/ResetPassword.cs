using Crm.Web.Data;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Account;

public sealed record ResetPasswordInput(string? User, string? Token, string? NewPassword, string? ConfirmNewPassword);

/// <summary>Sets a new password from a reset link; ends every session of the account.</summary>
public sealed class ResetPassword(UserManager<CrmUser> users, CrmDb db, TimeProvider clock, ILogger<ResetPassword> log)
{
    public const string InvalidLinkMessage = "This link is invalid, already used or expired. Ask for a new one.";

    public async Task<Result<bool>> RunAsync(ResetPasswordInput input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Text("newPassword", "New password", input.NewPassword, PasswordPolicy.MaximumLength);
        if (!string.IsNullOrEmpty(input.NewPassword) && input.ConfirmNewPassword is not null && input.ConfirmNewPassword != input.NewPassword)
        {
            errors.Add("confirmNewPassword", "The two new passwords do not match.");
        }

        if (errors.Any)
        {
            return Result<bool>.Invalid(errors);
        }

        if (!Guid.TryParse(input.User, out var userId) || string.IsNullOrEmpty(input.Token) || input.Token.Length > 2048
            || await users.FindByIdAsync(userId.ToString()) is not { IsActive: true } user)
        {
            return Result<bool>.Invalid("", InvalidLinkMessage);
        }

        var reset = await users.ResetPasswordAsync(user, input.Token, input.NewPassword!);
        if (!reset.Succeeded)
        {
            return reset.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
                ? Result<bool>.Invalid("", InvalidLinkMessage)
                : Result<bool>.Invalid(PasswordErrors.From(reset, "newPassword"));
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);

        var now = clock.GetUtcNow().UtcDateTime;
        await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
        log.LogInformation("User {UserId} reset their password with a reset link", user.Id);
        return Result<bool>.Ok(true);
    }
}
