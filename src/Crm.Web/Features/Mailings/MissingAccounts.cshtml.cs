using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

public sealed class MissingAccountsPage(ListUsersWithoutSendingAccount list) : PageModel
{
    public IReadOnlyList<UserWithoutAccount> Users { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Users = result.Value;
        return Page();
    }
}
