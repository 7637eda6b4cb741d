using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Contacts;

public sealed record ContactQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, int? CompanyId = null);

public sealed record ContactListItem(int Id, string FirstName, string LastName, string? Email, string? Phone, string? Title,
    int? CompanyId, string? CompanyName, Guid OwnerId, string OwnerName);

/// <summary>
/// The contacts the actor may view, optionally of one company, searched by name or email, sorted by
/// name (last, first) or ID, keyset-paged. The company's name is shown only if the company is visible too.
/// </summary>
public sealed class ListContacts(CrmDb db, RecordAccess access, RecordLookups lookups)
{
    public const string SortByName = "name";
    public const string SortById = "id";

    /// <summary>The sorts: by name (last, then first; the default), by ID.</summary>
    internal static readonly KeysetList<Contact, ContactListItem> Sorts = new KeysetList<Contact, ContactListItem>(c => c.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(c => c.LastName, r => r.LastName).Text(c => c.FirstName, r => r.FirstName))
        .Sort(SortById);

    public async Task<Result<ListPage<ContactListItem>>> RunAsync(Actor actor, ContactQuery query, CancellationToken cancellationToken)
    {
        var errors = Validate(query);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize);
        if (errors.Any)
        {
            return Result<ListPage<ContactListItem>>.Invalid(errors);
        }

        var contacts = await FilteredAsync(actor, query, cancellationToken);
        var driving = await TextSearch.DrivingTermAsync(db, Contact.Matching, TextSearch.Term(query.Search), cancellationToken);
        var rows = await (await ProjectAsync(actor, page.Read(contacts, driving), cancellationToken)).ToListAsync(cancellationToken);
        return Result<ListPage<ContactListItem>>.Ok(page.Page(rows));
    }

    /// <summary>The query's search and sort; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(ContactQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);
        return errors;
    }

    /// <summary>The visible contacts matching the search and company filter (the list and the export share it).</summary>
    internal async Task<IQueryable<Contact>> FilteredAsync(Actor actor, ContactQuery query, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<Contact>(actor, CrmModules.Contacts.Key, cancellationToken);
        var contacts = db.Contacts.AsNoTracking().Where(visible);
        if (TextSearch.Term(query.Search) is { } term)
        {
            contacts = contacts.Where(Contact.Matching(term));
        }

        // A company the actor may not view filters exactly as one that does not exist.
        if (await lookups.VisibleFilterAsync(actor, CrmModules.Companies.Key, query.CompanyId, cancellationToken) is { } companyId)
        {
            contacts = contacts.Where(c => c.CompanyId == companyId);
        }

        return contacts;
    }

    /// <summary>
    /// The list's columns. Names come from correlated lookups in the projection, so rows keep the
    /// query's order; a company the actor may not view stays unnamed (and unlinked).
    /// </summary>
    internal async Task<IQueryable<ContactListItem>> ProjectAsync(Actor actor, IQueryable<Contact> contacts, CancellationToken cancellationToken)
    {
        var companies = db.Companies.Where(await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken));
        return contacts.Select(c => new ContactListItem(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Title,
            companies.Where(co => co.Id == c.CompanyId).Select(co => (int?)co.Id).FirstOrDefault(),
            companies.Where(co => co.Id == c.CompanyId).Select(co => co.Name).FirstOrDefault(),
            c.OwnerId, db.Users.Where(u => u.Id == c.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
    }
}
