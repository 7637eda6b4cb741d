using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

[AllowAnonymous]
public sealed class ForgotPasswordPage(RequestPasswordReset requestReset) : PageModel
{
    [BindProperty]
    public ForgotPasswordForm Input { get; set; } = new();

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await requestReset.RunAsync(new RequestPasswordResetInput(Input.Email), HttpContext, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            return Page();
        }

        Sent = true;
        return Page();
    }

    public sealed class ForgotPasswordForm
    {
        [Display(Name = "Email")]
        public string? Email { get; set; }
    }
}
