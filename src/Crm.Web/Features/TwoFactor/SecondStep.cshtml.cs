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
public sealed class SecondStepPage(VerifySecondStep verify, PendingSecondStep pending) : PageModel
{
    [BindProperty]
    public SecondStepForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>False when nobody is between password and code in this browser: the page then points to sign-in.</summary>
    public bool Awaiting { get; private set; }

    public async Task OnGetAsync() => Awaiting = await pending.ReadAsync(HttpContext) is not null;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await verify.RunAsync(Input.Code, HttpContext, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            Awaiting = result.Outcome != Outcome.Forbidden;
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
