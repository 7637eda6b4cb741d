using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Companies;

/// <summary>
/// The current company list (same filter, search and sort, every page) as CSV or xlsx, only with the
/// module's export permission. Fields the actor's role hides are left out; every export is logged and audited.
/// </summary>
public sealed class ExportCompanies(ListCompanies list, ListExports exports)
{
    public const string ActivityKind = "companies-exported";

    private static readonly ExportColumn<CompanyListItem>[] s_columns =
    [
        new("id", "ID", c => c.Id.ToString(CultureInfo.InvariantCulture)),
        new("name", "Name", c => c.Name),
        new("city", "City", c => c.City),
        new("countryName", "Country", c => c.CountryName),
        new("phone", "Phone", c => c.Phone),
        new("email", "Email", c => c.Email),
        new("website", "Website", c => c.Website),
        new("owner", "Owner", c => c.OwnerName),
    ];

    public Task<Result<TableExport>> RunAsync(Actor actor, CompanyQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Companies, query, format, _ => ListCompanies.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            return await ListExports.CountedAsync(filtered, list.Project(ListCompanies.Sorts.Order(filtered, query.Sort)), s_columns, ct);
        }, cancellationToken);
}
