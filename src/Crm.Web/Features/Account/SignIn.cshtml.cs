using System.ComponentModel.DataAnnotations;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

[AllowAnonymous]
public sealed class SignInPage(SignInUser signIn) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Notice { get; private set; }

    public void OnGet(string? notice)
    {
        Notice = notice switch
        {
            "signed-out" => "You have signed out.",
            "password-reset" => "Your password has been changed. Sign in with the new one.",
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await signIn.RunAsync(new SignInInput(Input.Email, Input.Password), HttpContext, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            Input.Password = null;
            return Page();
        }

        if (result.Value.AwaitsSecondStep)
        {
            return Redirect(Url.IsLocalUrl(ReturnUrl) ? $"{TwoFactor.PendingSecondStep.Path}?returnUrl={Uri.EscapeDataString(ReturnUrl)}" : TwoFactor.PendingSecondStep.Path);
        }

        if (result.Value.MustChangePassword)
        {
            return Redirect(PasswordChangeGate.ChangePasswordPath);
        }

        if (result.Value.MustEnrolSecondFactor)
        {
            return Redirect(TwoFactor.SecondFactorPolicy.SecurityPath);
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    public sealed class SignInForm
    {
        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "Password")]
        public string? Password { get; set; }
    }
}
