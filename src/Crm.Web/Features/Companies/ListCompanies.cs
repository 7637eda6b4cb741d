using Crm.Web.Features.Records;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Companies;

/// <summary>What a company list shows; the filter, search and sort travel with the cursor's list.</summary>
public sealed record CompanyQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, Guid? OwnerId = null);

/// <summary>A row of the list; <c>CountryName</c> is the matched country's name, or the value as given when it matched none.</summary>
public sealed record CompanyListItem(int Id, string Name, string? City, string? CountryName, string? Phone, string? Email, string? Website, Guid OwnerId, string OwnerName);

/// <summary>
/// The companies the actor may view (the engine's row filter, in SQL), searched by name, sorted by
/// name or ID, paged by keyset so page 10,000 costs what page 1 does.
/// </summary>
public sealed class ListCompanies(CrmDb db, RecordAccess access)
{
    public const string SortByName = "name";
    public const string SortById = "id";
    public const int SearchMaxLength = 200;

    public async Task<Result<ListPage<CompanyListItem>>> RunAsync(Actor actor, CompanyQuery query, CancellationToken cancellationToken)
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
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortByName ? 1 : 0);
            if (cursor is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<CompanyListItem>>.Invalid(errors);
        }

        var companies = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortByName)
            {
                var name = at.Keys[0];
                // The first ">=" is redundant logically but gives the database a range start on the sort
                // index: without it the OR below makes it read the index from the top (page 1,000 = 50,000 rows).
                companies = at.Forward
                    ? companies.Where(c => c.Name.CompareTo(name) >= 0).Where(c => c.Name.CompareTo(name) > 0 || (c.Name == name && c.Id > id))
                    : companies.Where(c => c.Name.CompareTo(name) <= 0).Where(c => c.Name.CompareTo(name) < 0 || (c.Name == name && c.Id < id));
            }
            else
            {
                companies = at.Forward ? companies.Where(c => c.Id > id) : companies.Where(c => c.Id < id);
            }
        }

        var forward = cursor?.Forward ?? true;
        var driving = await TextSearch.DrivingTermAsync(db, Company.Matching, TextSearch.Term(query.Search), cancellationToken);
        var ordered = sort == SortByName
            ? (forward ? companies.OrderBy(TextSearch.SortKey<Company, string>(c => c.Name, driving)).ThenBy(c => c.Id)
                : companies.OrderByDescending(TextSearch.SortKey<Company, string>(c => c.Name, driving)).ThenByDescending(c => c.Id))
            : (forward ? companies.OrderBy(TextSearch.SortKey<Company, int>(c => c.Id, driving)) : companies.OrderByDescending(TextSearch.SortKey<Company, int>(c => c.Id, driving)));
        var rows = await Project(ordered.Take(size + 1)).ToListAsync(cancellationToken);
        return Result<ListPage<CompanyListItem>>.Ok(ListPaging.Page(rows, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByName ? [row.Name] : [])));
    }

    internal static string SortOf(CompanyQuery query) =>
        string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortByName;

    internal static FieldErrors Validate(CompanyQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, SearchMaxLength, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortByName, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"name\" or \"id\".");
        }

        return errors;
    }

    /// <summary>The visible companies matching the filter, unordered; export reads the same set.</summary>
    internal async Task<IQueryable<Company>> FilteredAsync(Actor actor, CompanyQuery query, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken);
        var companies = db.Companies.AsNoTracking().Where(visible);
        if (TextSearch.Term(query.Search) is { } term)
        {
            companies = companies.Where(Company.Matching(term));
        }

        if (query.OwnerId is { } owner)
        {
            companies = companies.Where(c => c.OwnerId == owner);
        }

        return companies;
    }

    /// <summary>The list's columns; the owner's name is a correlated lookup so the rows keep the query's order.</summary>
    internal IQueryable<CompanyListItem> Project(IQueryable<Company> companies) =>
        companies.Select(c => new CompanyListItem(c.Id, c.Name, c.City,
            c.CountryId == null ? c.CountryName : db.Countries.Where(k => k.Id == c.CountryId).Select(k => k.Name).FirstOrDefault(),
            c.Phone, c.Email, c.Website, c.OwnerId,
            db.Users.Where(u => u.Id == c.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
