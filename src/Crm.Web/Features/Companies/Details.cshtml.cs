using Crm.Web.Features.Contacts;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Companies;

public sealed class CompanyPage(ReadCompany read, ListContacts contacts) : PageModel
{
    public CompanyView View { get; private set; } = null!;
    public ListPage<ContactListItem> Contacts { get; private set; } = new([], null, null);
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value!;
        Saved = saved;
        Contacts = (await contacts.RunAsync(HttpContext.Actor(), new ContactQuery(CompanyId: id, PageSize: ListPaging.MaxPageSize), cancellationToken)).Value
            ?? new([], null, null);
        return Page();
    }
}
