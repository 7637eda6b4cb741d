using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

[AllowAnonymous]
public sealed class ResetPasswordPage(ResetPassword resetPassword) : PageModel
{
    [BindProperty]
    public ResetPasswordForm Input { get; set; } = new();

    /// <summary>"reset-password" (forgot password) or "set-password" (a new account's welcome link).</summary>
    [FromRoute(Name = "link")]
    public string Link { get; set; } = "";

    public bool IsWelcome => Link == "set-password";

    public void OnGet(string? user, string? token)
    {
        Input = new ResetPasswordForm { User = user, Token = token };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await resetPassword.RunAsync(
            new ResetPasswordInput(Input.User, Input.Token, Input.NewPassword, Input.ConfirmNewPassword ?? ""),
            IsWelcome ? PasswordLink.Welcome : PasswordLink.Reset,
            cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            Input.NewPassword = null;
            Input.ConfirmNewPassword = null;
            return Page();
        }

        return Redirect("/account/sign-in?notice=password-reset");
    }

    public sealed class ResetPasswordForm
    {
        public string? User { get; set; }
        public string? Token { get; set; }

        [Display(Name = "New password")]
        public string? NewPassword { get; set; }

        [Display(Name = "Repeat the new password")]
        public string? ConfirmNewPassword { get; set; }
    }
}
