using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Leads;

public sealed class LeadsPage(ListLeads list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    public ListPage<LeadListItem> Leads { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new LeadQuery(Search, Sort, Cursor, PageSize, NullIfEmpty(Status), NullIfEmpty(Source)), cancellationToken);
        if (result.IsOk)
        {
            Leads = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        var module = CrmModules.Leads.Key;
        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public string Link(string? cursor) => "/leads" + QueryOf(cursor);

    public string ExportLink => "/api/v1/leads/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["status"] = NullIfEmpty(Status),
            ["source"] = NullIfEmpty(Source),
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
