using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

[AllowAnonymous]
public sealed class SignInPage(SignInUser signIn, SignInWithPasskey passkeys) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Notice { get; private set; }

    /// <summary>The organisation allows passwordless sign-in: "Sign in with a passkey" is offered.</summary>
    public bool OffersPasskey { get; private set; }

    public async Task OnGetAsync(string? notice, CancellationToken cancellationToken)
    {
        OffersPasskey = await passkeys.PasswordlessAllowedAsync(cancellationToken);
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
            OffersPasskey = await passkeys.PasswordlessAllowedAsync(cancellationToken);
            return Page();
        }

        if (result.Value.AwaitsSecondStep)
        {
            return Redirect(Url.IsLocalUrl(ReturnUrl) ? $"{PendingSecondStep.Path}?returnUrl={Uri.EscapeDataString(ReturnUrl)}" : PendingSecondStep.Path);
        }

        if (result.Value.MustChangePassword)
        {
            return Redirect(PasswordChangeGate.ChangePasswordPath);
        }

        if (result.Value.MustEnrolSecondFactor)
        {
            return Redirect(SecondFactorPolicy.SecurityPath);
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    /// <summary>The browser's options for a passwordless sign-in (JSON); refused unless the organisation allows it.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken cancellationToken) =>
        PasskeyOptions.Answer(await passkeys.StartPasswordlessAsync(HttpContext, cancellationToken), Response);

    public async Task<IActionResult> OnPostPasskeyAsync(string? credential, CancellationToken cancellationToken)
    {
        var result = await passkeys.FinishAsync(HttpContext, PasskeyPurpose.Passwordless, credential, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            OffersPasskey = await passkeys.PasswordlessAllowedAsync(cancellationToken);
            return Page();
        }

        return result.Value.MustChangePassword ? Redirect(PasswordChangeGate.ChangePasswordPath) : LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    public sealed class SignInForm
    {
        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "Password")]
        public string? Password { get; set; }
    }
}
