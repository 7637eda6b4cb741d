using Crm.Web.Features.LoggedEmails;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Contacts;

public sealed class ContactPage(ReadContact read, ListLoggedEmails emails) : PageModel
{
    public ContactView View { get; private set; } = null!;
    public bool Saved { get; private set; }
    public RelatedEmails? Emails { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        Saved = saved;
        Emails = await emails.RelatedAsync(HttpContext.Actor(), Security.Permissions.CrmModules.Contacts.Key, id, cancellationToken);
        return Page();
    }
}
