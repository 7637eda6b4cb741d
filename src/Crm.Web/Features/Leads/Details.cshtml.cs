using Crm.Web.Features.LoggedEmails;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Leads;

public sealed class LeadPage(ReadLead read, ListLoggedEmails emails) : PageModel
{
    public LeadView View { get; private set; } = null!;
    public RelatedEmails Emails { get; private set; } = null!;
    public bool Saved { get; private set; }
    public bool Converted { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, bool converted, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        Saved = saved;
        Converted = converted;
        Emails = await emails.RelatedAsync(HttpContext.Actor(), CrmModules.Leads.Key, id, cancellationToken);
        return Page();
    }
}
