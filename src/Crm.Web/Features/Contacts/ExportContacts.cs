using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Contacts;

/// <summary>The current contact list as CSV or xlsx (export permission; hidden fields left out; a company the actor may not view stays unnamed; logged and audited).</summary>
public sealed class ExportContacts(ListContacts list, ListExports exports)
{
    public const string ActivityKind = "contacts-exported";

    private static readonly ExportColumn<ContactListItem>[] s_columns =
    [
        new("id", "ID", c => c.Id.ToString(CultureInfo.InvariantCulture)),
        new("firstName", "First name", c => c.FirstName),
        new("lastName", "Last name", c => c.LastName),
        new("title", "Title", c => c.Title),
        new("email", "Email", c => c.Email),
        new("phone", "Phone", c => c.Phone),
        new("companyId", "Company", c => c.CompanyName),
        new("owner", "Owner", c => c.OwnerName),
    ];

    public Task<Result<TableExport>> RunAsync(Actor actor, ContactQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Contacts, query, format, _ => ListContacts.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            return await ListExports.CountedAsync(filtered, await list.ProjectAsync(actor, ListContacts.Sorts.Order(filtered, query.Sort), ct), s_columns, ct);
        }, cancellationToken);
}
