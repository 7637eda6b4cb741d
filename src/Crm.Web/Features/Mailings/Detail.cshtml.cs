using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

public sealed class MailingPage(ReadMailing read) : PageModel
{
    public MailingView Mailing { get; private set; } = null!;
    public bool JustSent { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool sent, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!result.IsOk)
        {
            return NotFound();
        }

        Mailing = result.Value;
        JustSent = sent;
        return Page();
    }
}
