using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

public sealed class ChangePasswordPage(ChangePassword changePassword) : PageModel
{
    [BindProperty]
    public ChangePasswordForm Input { get; set; } = new();

    public bool MustChange { get; private set; }
    public bool Done { get; private set; }

    public void OnGet(bool done = false)
    {
        MustChange = HttpContext.SignedIn()?.MustChangePassword == true;
        Done = done;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var wasTemporary = HttpContext.SignedIn()?.MustChangePassword == true;
        var result = await changePassword.RunAsync(
            HttpContext,
            new ChangePasswordInput(Input.CurrentPassword, Input.NewPassword, Input.ConfirmNewPassword ?? ""),
            cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            MustChange = wasTemporary;
            Input = new ChangePasswordForm();
            return Page();
        }

        return wasTemporary ? Redirect("/") : Redirect("/account/change-password?done=true");
    }

    public sealed class ChangePasswordForm
    {
        [Display(Name = "Current password")]
        public string? CurrentPassword { get; set; }

        [Display(Name = "New password")]
        public string? NewPassword { get; set; }

        [Display(Name = "Repeat the new password")]
        public string? ConfirmNewPassword { get; set; }
    }
}
