using Crm.Web.Features.LoggedEmails;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Deals;

public sealed class DealPage(ReadDeal read, ListLoggedEmails emails) : PageModel
{
    public DealView View { get; private set; } = null!;
    public RelatedEmails Emails { get; private set; } = null!;
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        Saved = saved;
        Emails = await emails.RelatedAsync(HttpContext.Actor(), CrmModules.Deals.Key, id, cancellationToken);
        return Page();
    }
}
