using System.Globalization;
using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Companies;

/// <summary>What a company list shows; the filter, search and sort travel with the cursor's list.</summary>
public sealed record CompanyQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, Guid? OwnerId = null) : IRecordQuery;

/// <summary>A row of the list; <c>CountryName</c> is the matched country's name, or the value as given when it matched none.</summary>
public sealed record CompanyListItem(int Id, string Name, string? City, string? CountryName, string? Phone, string? Email, string? Website, Guid OwnerId, string OwnerName);

/// <summary>
/// The companies the actor may view (the engine's row filter, in SQL), searched by name, sorted by
/// name or ID, paged by keyset so page 10,000 costs what page 1 does.
/// </summary>
public sealed class ListCompanies(CrmDb db, RecordAccess access, ListExports exports)
    : RecordList<Company, CompanyListItem, CompanyQuery>(db, access, exports, CrmModules.Companies)
{
    public const string SortByName = "name";
    public const string SortById = "id";

    /// <summary>By name (the default), by ID; the cursor carries the name.</summary>
    private static readonly KeysetList<Company, CompanyListItem> s_sorts = new KeysetList<Company, CompanyListItem>(c => c.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(c => c.Name, r => r.Name))
        .Sort(SortById);

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

    protected override KeysetList<Company, CompanyListItem> Sorts => s_sorts;

    protected override IReadOnlyList<ExportColumn<CompanyListItem>> Columns => s_columns;

    protected override bool SearchDrivesSort => true;

    protected override Expression<Func<Company, bool>> Matching(string term) => Company.Matching(term);

    protected override IQueryable<Company> Filter(IQueryable<Company> records, CompanyQuery query) =>
        query.OwnerId is { } owner ? records.Where(c => c.OwnerId == owner) : records;

    /// <summary>The owner's and country's names are correlated lookups so the rows keep the query's order.</summary>
    protected override IQueryable<CompanyListItem> Project(IQueryable<Company> records) =>
        records.Select(c => new CompanyListItem(c.Id, c.Name, c.City,
            c.CountryId == null ? c.CountryName : Db.Countries.Where(k => k.Id == c.CountryId).Select(k => k.Name).FirstOrDefault(),
            c.Phone, c.Email, c.Website, c.OwnerId,
            Db.Users.Where(u => u.Id == c.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
