using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Contacts;

public sealed class ContactsPage(ListContacts list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? CompanyId { get; set; }

    public ListPage<ContactListItem> Contacts { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new ContactQuery(Search, Sort, Cursor, PageSize, CompanyId), cancellationToken);
        if (result.IsOk)
        {
            Contacts = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Contacts.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, CrmModules.Contacts.Key, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    public string Link(string? cursor) => "/contacts" + QueryOf(cursor);

    /// <summary>The export of the list as shown: same search, company and sort, every page.</summary>
    public string ExportLink => "/api/v1/contacts/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["companyId"] = CompanyId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
