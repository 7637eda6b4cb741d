using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Deals;

public sealed class DealsPage(ListDeals list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool? Open { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? CompanyId { get; set; }

    public ListPage<DealListItem> Deals { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }
    public bool SeeAmount { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, Query(Cursor), cancellationToken);
        if (result.IsOk)
        {
            Deals = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        var module = CrmModules.Deals.Key;
        SeeAmount = (await access.FieldsAsync(actor, module, cancellationToken)).CanSee(ReadDeal.AmountField);
        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    private DealQuery Query(string? cursor) => new(Search, Sort, cursor, PageSize, string.IsNullOrEmpty(Stage) ? null : Stage, Open, CompanyId);

    public string Link(string? cursor) => "/deals" + QueryOf(cursor);

    public string ExportLink => "/api/v1/deals/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["stage"] = string.IsNullOrEmpty(Stage) ? null : Stage,
            ["open"] = Open is { } open ? (open ? "true" : "false") : null,
            ["companyId"] = CompanyId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
