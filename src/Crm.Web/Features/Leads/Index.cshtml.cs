using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Leads;

public sealed class LeadsPage(ListLeads list, RecordAccess access) : RecordListPage<LeadListItem>(access, CrmModules.Leads)
{
    [ListFilter] public string? Status { get; set; }
    [ListFilter] public string? Source { get; set; }

    public ListPage<LeadListItem> Leads => List;

    protected override Task<Result<ListPage<LeadListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new LeadQuery(Search, Sort, Cursor, PageSize, Given(Status), Given(Source)), cancellationToken);
}
