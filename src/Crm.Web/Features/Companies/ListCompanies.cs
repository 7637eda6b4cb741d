using Crm.Web.Data;
using Crm.Web.Records;
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

    /// <summary>The sorts: by name (the default), by ID; the cursor carries the name.</summary>
    internal static readonly KeysetList<Company, CompanyListItem> Sorts = new KeysetList<Company, CompanyListItem>(c => c.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(c => c.Name, r => r.Name))
        .Sort(SortById);

    public async Task<Result<ListPage<CompanyListItem>>> RunAsync(Actor actor, CompanyQuery query, CancellationToken cancellationToken)
    {
        var errors = Validate(query);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize);
        if (errors.Any)
        {
            return Result<ListPage<CompanyListItem>>.Invalid(errors);
        }

        var companies = await FilteredAsync(actor, query, cancellationToken);
        var driving = await TextSearch.DrivingTermAsync(db, Company.Matching, TextSearch.Term(query.Search), cancellationToken);
        return Result<ListPage<CompanyListItem>>.Ok(page.Page(await Project(page.Read(companies, driving)).ToListAsync(cancellationToken)));
    }

    internal static FieldErrors Validate(CompanyQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);
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
