using Crm.Web.Features.Contacts;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Companies;

public sealed class CompanyPage(ReadCompany read, ListContacts contacts, RecordAccess access, ListLoggedEmails emails) : PageModel
{
    public CompanyView View { get; private set; } = null!;
    public ListPage<ContactListItem> Contacts { get; private set; } = new([], null, null);
    public bool Saved { get; private set; }
    public bool CanAddContact { get; private set; }
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
        var actor = HttpContext.Actor();
        CanAddContact = !actor.IsPreview && (await access.DecideAsync(actor, Security.Permissions.CrmModules.Contacts.Key,
            Security.Permissions.PermissionAction.Create, null, cancellationToken)).Allowed;
        Contacts = (await contacts.RunAsync(HttpContext.Actor(), new ContactQuery(CompanyId: id, PageSize: ListPaging.MaxPageSize), cancellationToken)).Value
            ?? new([], null, null);
        Emails = await emails.RelatedAsync(actor, Security.Permissions.CrmModules.Companies.Key, id, cancellationToken);
        return Page();
    }
}
