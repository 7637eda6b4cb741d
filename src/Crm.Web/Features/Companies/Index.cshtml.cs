using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Companies;

public sealed class CompaniesPage(CrmDb db, ListCompanies list, TransferCompanies transfer, RecordAccess access)
    : RecordListPage<CompanyListItem>(access, CrmModules.Companies)
{
    [BindProperty]
    public List<int> Selected { get; set; } = [];

    [BindProperty]
    public Guid? NewOwnerId { get; set; }

    /// <summary>"Also their open deals": the companies' deals not won or lost move too.</summary>
    [BindProperty]
    public bool OpenDeals { get; set; }

    [BindProperty]
    public bool OpenTasks { get; set; }

    /// <summary>The note of a transfer just done, carried by the redirect's address.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Transferred { get; set; }

    public ListPage<CompanyListItem> Companies => List;
    public IReadOnlyList<OwnerChoice> Owners { get; private set; } = [];
    public bool CanTransfer { get; private set; }

    public async Task<IActionResult> OnPostTransferAsync(CancellationToken cancellationToken)
    {
        var result = await transfer.RunAsync(HttpContext.Actor(), new TransferInput(Selected, NewOwnerId, new TransferOptions(OpenDeals, OpenTasks)), cancellationToken);
        if (result.IsOk)
        {
            var done = result.Value;
            return Redirect($"/companies?transferred={Uri.EscapeDataString($"{Count(done.Companies, "company", "companies")} and {Count(done.Contacts, "contact", "contacts")}{(OpenDeals ? $" and {Count(done.Deals, "open deal", "open deals")}" : "")}{(OpenTasks ? $" and {Count(done.Tasks, "open task", "open tasks")}" : "")} transferred to {done.NewOwnerName}.{(done.LeftBehindReason is { } left ? " " + left : "")}")}");
        }

        result.CopyTo(ModelState, "");
        await LoadAsync(cancellationToken);
        return Page();
    }

    protected override Task<Result<ListPage<CompanyListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new CompanyQuery(Search, Sort, Cursor, PageSize), cancellationToken);

    protected override async Task LoadMoreAsync(Actor actor, CancellationToken cancellationToken)
    {
        CanTransfer = !actor.IsPreview && (await Access.DecideAsync(actor, CrmModules.Companies.Key, PermissionAction.Transfer, null, cancellationToken)).Allowed;
        Owners = CanTransfer ? await OwnerChoices.ActiveAsync(db, cancellationToken) : [];
    }

    private static string Count(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count} {many}";
}
