using System.Globalization;
using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Contacts;

public sealed record ContactQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, int? CompanyId = null) : IRecordQuery;

public sealed record ContactListItem(int Id, string FirstName, string LastName, string? Email, string? Phone, string? Title,
    int? CompanyId, string? CompanyName, Guid OwnerId, string OwnerName);

/// <summary>
/// The contacts the actor may view, optionally of one company, searched by name or email, sorted by
/// name (last, first) or ID. The company's name is shown only if the company is visible too.
/// </summary>
public sealed class ListContacts(CrmDb db, RecordAccess access, RecordLookups lookups, ListExports exports)
    : RecordList<Contact, ContactListItem, ContactQuery>(db, access, exports, CrmModules.Contacts)
{
    public const string SortByName = "name";
    public const string SortById = "id";

    /// <summary>By name (last, then first; the default), by ID.</summary>
    internal static readonly KeysetList<Contact, ContactListItem> Keyset = new KeysetList<Contact, ContactListItem>(c => c.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(c => c.LastName, r => r.LastName).Text(c => c.FirstName, r => r.FirstName))
        .Sort(SortById);

    /// <summary>A company the actor may not view stays unnamed in the export too.</summary>
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

    protected override KeysetList<Contact, ContactListItem> Sorts => Keyset;

    protected override IReadOnlyList<ExportColumn<ContactListItem>> Columns => s_columns;

    protected override bool SearchDrivesSort => true;

    protected override Expression<Func<Contact, bool>> Matching(string term) => Contact.Matching(term);

    /// <summary>A company the actor may not view filters exactly as one that does not exist.</summary>
    protected override async Task<IQueryable<Contact>> FilterAsync(Actor actor, IQueryable<Contact> records, ContactQuery query, CancellationToken cancellationToken) =>
        await lookups.VisibleFilterAsync(actor, CrmModules.Companies.Key, query.CompanyId, cancellationToken) is { } companyId
            ? records.Where(c => c.CompanyId == companyId)
            : records;

    /// <summary>Names come from correlated lookups in the projection, so rows keep the query's order; a company the actor may not view stays unnamed (and unlinked).</summary>
    protected override async Task<IQueryable<ContactListItem>> ProjectAsync(Actor actor, IQueryable<Contact> records, CancellationToken cancellationToken)
    {
        var companies = Db.Companies.Where(await Access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken));
        return records.Select(c => new ContactListItem(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Title,
            companies.Where(co => co.Id == c.CompanyId).Select(co => (int?)co.Id).FirstOrDefault(),
            companies.Where(co => co.Id == c.CompanyId).Select(co => co.Name).FirstOrDefault(),
            c.OwnerId, Db.Users.Where(u => u.Id == c.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
    }
}
