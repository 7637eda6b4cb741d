using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Account;

public sealed class AccountPage(ReadOwnProfile readProfile) : PageModel
{
    public OwnProfile Profile { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await readProfile.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return NotFound();
        }

        Profile = result.Value!;
        return Page();
    }
}
