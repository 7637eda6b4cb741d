using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

public sealed class MailingsPage(ListMailings list) : PageModel
{
    public IReadOnlyList<MailingView> Mailings { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Mailings = result.Value;
        return Page();
    }
}
