using Crm.Web.Features.Records;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
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

    public async Task<Result<ListPage<ContactListItem>>> RunAsync(Actor actor, ContactQuery query, CancellationToken cancellationToken)
    {
        var size = query.PageSize ?? ListPaging.DefaultPageSize;
        var errors = Validate(query);
        if (size is < 1 or > ListPaging.MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {ListPaging.MaxPageSize}.");
        }

        var sort = SortOf(query);
        ListCursor? cursor = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortByName ? 2 : 0);
            if (cursor is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<ContactListItem>>.Invalid(errors);
        }

        var contacts = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortByName)
            {
                var (last, first) = (at.Keys[0], at.Keys[1]);
                // The first ">=" is redundant logically but gives the database a range start on the sort
                // index: without it the OR below makes it read the index from the top (page 1,000 = 50,000 rows).
                contacts = at.Forward
                    ? contacts.Where(c => c.LastName.CompareTo(last) >= 0).Where(c => c.LastName.CompareTo(last) > 0 || (c.LastName == last && (c.FirstName.CompareTo(first) > 0 || (c.FirstName == first && c.Id > id))))
                    : contacts.Where(c => c.LastName.CompareTo(last) <= 0).Where(c => c.LastName.CompareTo(last) < 0 || (c.LastName == last && (c.FirstName.CompareTo(first) < 0 || (c.FirstName == first && c.Id < id))));
            }
            else
            {
                contacts = at.Forward ? contacts.Where(c => c.Id > id) : contacts.Where(c => c.Id < id);
            }
        }

        var forward = cursor?.Forward ?? true;
        var driving = await TextSearch.DrivingTermAsync(db, Contact.Matching, TextSearch.Term(query.Search), cancellationToken);
        var ordered = Order(contacts, sort, forward, driving);
        var rows = await (await ProjectAsync(actor, ordered.Take(size + 1), cancellationToken)).ToListAsync(cancellationToken);
        return Result<ListPage<ContactListItem>>.Ok(ListPaging.Page(rows, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByName ? [row.LastName, row.FirstName] : [])));
    }

    internal static string SortOf(ContactQuery query) =>
        string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortByName;

    /// <summary>The query's search and sort; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(ContactQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortByName, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"name\" or \"id\".");
        }

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

    /// <summary>The list's order; <paramref name="drivingTerm"/> is the searched text when it drives the query, see <see cref="TextSearch.SortKey"/>.</summary>
    internal static IOrderedQueryable<Contact> Order(IQueryable<Contact> contacts, string sort, bool forward, string? drivingTerm = null) => sort == SortByName
        ? (forward ? contacts.OrderBy(TextSearch.SortKey<Contact, string>(c => c.LastName, drivingTerm)).ThenBy(c => c.FirstName).ThenBy(c => c.Id)
            : contacts.OrderByDescending(TextSearch.SortKey<Contact, string>(c => c.LastName, drivingTerm)).ThenByDescending(c => c.FirstName).ThenByDescending(c => c.Id))
        : (forward ? contacts.OrderBy(TextSearch.SortKey<Contact, int>(c => c.Id, drivingTerm)) : contacts.OrderByDescending(TextSearch.SortKey<Contact, int>(c => c.Id, drivingTerm)));

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
