using Crm.Web.Features.Records;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Companies;

public sealed class CompaniesPage(CrmDb db, ListCompanies list, TransferCompanies transfer, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty]
    public List<int> Selected { get; set; } = [];

    [BindProperty]
    public Guid? NewOwnerId { get; set; }

    /// <summary>"Also their open deals": the companies' deals not won or lost move too.</summary>
    [BindProperty]
    public bool OpenDeals { get; set; }

    [BindProperty]
    public bool OpenTasks { get; set; }

    public ListPage<CompanyListItem> Companies { get; private set; } = new([], null, null);
    public IReadOnlyList<OwnerChoice> Owners { get; private set; } = [];
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }
    public bool CanTransfer { get; private set; }
    public string? Transferred { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? transferred, CancellationToken cancellationToken)
    {
        Transferred = transferred;
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostTransferAsync(CancellationToken cancellationToken)
    {
        var result = await transfer.RunAsync(HttpContext.Actor(), new TransferInput(Selected, NewOwnerId, new TransferOptions(OpenDeals, OpenTasks)), cancellationToken);
        if (result.IsOk)
        {
            var done = result.Value!;
            return Redirect($"/companies?transferred={Uri.EscapeDataString($"{Count(done.Companies, "company", "companies")} and {Count(done.Contacts, "contact", "contacts")}{(OpenDeals ? $" and {Count(done.Deals, "open deal", "open deals")}" : "")}{(OpenTasks ? $" and {Count(done.Tasks, "open task", "open tasks")}" : "")} transferred to {done.NewOwnerName}.{(done.LeftBehindReason is { } left ? " " + left : "")}")}");
        }

        result.CopyTo(ModelState, "");
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The address of this list with one setting changed, keeping the others.</summary>
    public string Link(string? cursor = null, string? sort = null) => "/companies" + Query(cursor, sort ?? Sort);

    /// <summary>The export of the list as shown (csv or xlsx): same search and sort, every page.</summary>
    public string ExportLink => "/api/v1/companies/export" + Query(null, Sort);

    private string Query(string? cursor, string? sort) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = sort,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new CompanyQuery(Search, Sort, Cursor, PageSize), cancellationToken);
        if (result.IsOk)
        {
            Companies = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        var module = CrmModules.Companies.Key;
        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed;
        CanTransfer = !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Transfer, null, cancellationToken)).Allowed;
        Owners = CanTransfer ? await OwnerChoices.ActiveAsync(db, cancellationToken) : [];
    }

    private static string Count(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count} {many}";
}
