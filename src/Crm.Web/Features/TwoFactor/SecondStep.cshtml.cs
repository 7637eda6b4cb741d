using Crm.Web.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// The second step of signing in. Anonymous by necessity (there is no session yet); only the
/// two-factor cookie set after a right password lets a code be tried.
/// </summary>
[AllowAnonymous]
public sealed class SecondStepPage(VerifySecondStep verify, SignInWithPasskey passkeys) : PageModel
{
    [BindProperty]
    public SecondStepForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>False when nobody is between password and code in this browser: the page then points to sign-in.</summary>
    public bool Awaiting { get; private set; }

    /// <summary>The person has an authenticator app (its code box is shown) and passkeys ("Use a passkey").</summary>
    public bool OffersCode { get; private set; } = true;

    public bool OffersPasskey { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await ReadFactorsAsync(cancellationToken);

    private async Task ReadFactorsAsync(CancellationToken cancellationToken)
    {
        var factors = await passkeys.PendingFactorsAsync(HttpContext, cancellationToken);
        Awaiting = factors is not null;
        OffersCode = factors is not { AuthenticatorApp: false };
        OffersPasskey = factors is { Passkeys: true };
    }

    /// <summary>The browser's options for signing in with one of the waiting person's passkeys (JSON).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken cancellationToken) =>
        PasskeyOptions.Answer(await passkeys.StartSecondStepAsync(HttpContext, cancellationToken), Response);

    public async Task<IActionResult> OnPostPasskeyAsync(string? credential, CancellationToken cancellationToken)
    {
        var result = await passkeys.FinishAsync(HttpContext, PasskeyPurpose.SecondStep, credential, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            await ReadFactorsAsync(cancellationToken);
            return Page();
        }

        return result.Value.MustChangePassword ? Redirect(PasswordChangeGate.ChangePasswordPath) : LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await verify.RunAsync(Input.Code, HttpContext, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            await ReadFactorsAsync(cancellationToken);
            Awaiting = Awaiting && result.Outcome != Outcome.Forbidden;
            Input = new SecondStepForm();
            return Page();
        }

        if (result.Value.MustChangePassword)
        {
            return Redirect(PasswordChangeGate.ChangePasswordPath);
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    public sealed class SecondStepForm
    {
        public string? Code { get; set; }
    }
}
