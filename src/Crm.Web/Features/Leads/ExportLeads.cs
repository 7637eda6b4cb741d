using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Leads;

/// <summary>The current lead list as CSV or xlsx (export permission; hidden fields left out; logged and audited).</summary>
public sealed class ExportLeads(ListLeads list, ListExports exports)
{
    public const string ActivityKind = "leads-exported";

    private static readonly ExportColumn<LeadListItem>[] s_columns =
    [
        new("id", "ID", l => l.Id.ToString(CultureInfo.InvariantCulture)),
        new("firstName", "First name", l => l.FirstName),
        new("lastName", "Last name", l => l.LastName),
        new("companyName", "Company name", l => l.CompanyName),
        new("email", "Email", l => l.Email),
        new("phone", "Phone", l => l.Phone),
        new("source", "Source", l => l.Source),
        new("status", "Status", l => l.Status),
        new("owner", "Owner", l => l.OwnerName),
    ];

    public Task<Result<TableExport>> RunAsync(Actor actor, LeadQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Leads, query, format, _ => ListLeads.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            return await ListExports.CountedAsync(filtered, list.Project(ListLeads.Sorts.Order(filtered, query.Sort)), s_columns, ct);
        }, cancellationToken);
}
