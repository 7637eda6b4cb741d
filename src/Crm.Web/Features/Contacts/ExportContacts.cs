using System.Globalization;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

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

    public async Task<Result<TableExport>> RunAsync(Actor actor, ContactQuery query, string? format, CancellationToken cancellationToken)
    {
        var start = await exports.StartAsync(actor, CrmModules.Contacts, format, _ => ListContacts.Validate(query), cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var rows = await list.ProjectAsync(actor, ListContacts.Order(filtered, ListContacts.SortOf(query), forward: true), cancellationToken);
        return Result<TableExport>.Ok(await exports.FinishAsync(actor, start.Value!, query with { Cursor = null, PageSize = null }, s_columns,
            await filtered.CountAsync(cancellationToken), _ => rows.AsAsyncEnumerable(), cancellationToken));
    }
}
