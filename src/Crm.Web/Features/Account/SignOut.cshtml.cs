using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

/// <summary>Sign-out is a POST (a link or an image tag must not be able to sign someone out); GET asks first.</summary>
public sealed class SignOutPage(SignOutUser signOut) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await signOut.RunAsync(HttpContext, cancellationToken);
        return Redirect("/account/sign-in?notice=signed-out");
    }
}
