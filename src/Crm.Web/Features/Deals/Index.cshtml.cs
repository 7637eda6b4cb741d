using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Deals;

public sealed class DealsPage(ListDeals list, RecordAccess access) : RecordListPage<DealListItem>(access, CrmModules.Deals)
{
    [ListFilter] public string? Stage { get; set; }
    [ListFilter] public bool? Open { get; set; }
    [ListFilter] public int? CompanyId { get; set; }

    public ListPage<DealListItem> Deals => List;
    public bool SeeAmount { get; private set; }

    protected override Task<Result<ListPage<DealListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new DealQuery(Search, Sort, Cursor, PageSize, Given(Stage), Open, CompanyId), cancellationToken);

    /// <summary>A list of one company's records adds to that company.</summary>
    protected override string AddLink => base.AddLink + (CompanyId is { } c ? $"?companyId={c}" : "");

    protected override async Task LoadMoreAsync(Actor actor, CancellationToken cancellationToken) =>
        SeeAmount = (await Access.FieldsAsync(actor, CrmModules.Deals.Key, cancellationToken)).CanSee(ReadDeal.AmountField);
}
