using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Leads;

public sealed class LeadsPage(ListLeads list, RecordAccess access) : RecordListPage<LeadListItem>(access, CrmModules.Leads)
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    public ListPage<LeadListItem> Leads => List;

    protected override Task<Result<ListPage<LeadListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new LeadQuery(Search, Sort, Cursor, PageSize, Given(Status), Given(Source)), cancellationToken);

    protected override IEnumerable<KeyValuePair<string, string?>> Filters =>
    [
        new("status", Given(Status)),
        new("source", Given(Source)),
    ];
}
