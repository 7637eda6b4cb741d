using Crm.Web.Features.Account;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// The password asked again before a second factor is turned off, its codes renewed or someone's
/// reset. Failures count towards the account's lockout like at sign-in, so a borrowed session
/// cannot be used to guess the password.
/// </summary>
public sealed class PasswordCheck(SignInManager<CrmUser> signIn)
{
    public const string WrongPassword = "The password is not correct.";

    public async Task<FieldErrors> CheckAsync(CrmUser user, string? password, string field = "password")
    {
        var errors = new FieldErrors().Text(field, "Your password", password, PasswordPolicy.MaximumLength);
        if (errors.Any)
        {
            return errors;
        }

        var check = await signIn.CheckPasswordSignInAsync(user, password!, lockoutOnFailure: true);
        return check.Succeeded ? errors
            : errors.Add(field, check.IsLockedOut ? "Too many wrong passwords: your account is locked for a while." : WrongPassword);
    }
}
