using System.Globalization;
using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Products;

public sealed record ProductQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, bool? Active = null, string? Category = null)
    : IRecordQuery;

public sealed record ProductListItem(int Id, string Code, string Name, string Price, string Currency, string? Category, bool IsActive, Guid OwnerId, string OwnerName);

/// <summary>The products the actor may view, filtered by active flag and category, searched by code or name, sorted by name, code or ID.</summary>
public sealed class ListProducts(CrmDb db, RecordAccess access, ListExports exports)
    : RecordList<Product, ProductListItem, ProductQuery>(db, access, exports, CrmModules.Products)
{
    public const string SortByName = "name";
    public const string SortByCode = "code";
    public const string SortById = "id";

    /// <summary>By name (the default), by code (its lower-cased key column), by ID.</summary>
    private static readonly KeysetList<Product, ProductListItem> s_sorts = new KeysetList<Product, ProductListItem>(p => p.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(p => p.Name, r => r.Name))
        .Sort(SortByCode, keys => keys.Text(p => p.CodeKey, r => r.Code.ToLowerInvariant()))
        .Sort(SortById);

    private static readonly ExportColumn<ProductListItem>[] s_columns =
    [
        new("id", "ID", p => p.Id.ToString(CultureInfo.InvariantCulture)),
        new("code", "Code", p => p.Code),
        new("name", "Name", p => p.Name),
        new("price", "Price", p => p.Price),
        new("price", "Currency", p => p.Currency),
        new("category", "Category", p => p.Category),
        new("isActive", "Active", p => p.IsActive ? "yes" : "no"),
        new("owner", "Owner", p => p.OwnerName),
    ];

    protected override KeysetList<Product, ProductListItem> Sorts => s_sorts;

    protected override IReadOnlyList<ExportColumn<ProductListItem>> Columns => s_columns;

    protected override Expression<Func<Product, bool>> Matching(string term) => Product.Matching(term);

    protected override void Check(FieldErrors errors, ProductQuery query) =>
        errors.Text("category", "Category", query.Category, Product.CategoryMaxLength, required: false);

    protected override IQueryable<Product> Filter(IQueryable<Product> records, ProductQuery query)
    {
        if (query.Active is { } active)
        {
            records = records.Where(p => p.IsActive == active);
        }

        var category = query.Category?.Trim();
        return string.IsNullOrEmpty(category) ? records : records.Where(p => p.Category == category);
    }

    protected override IQueryable<ProductListItem> Project(IQueryable<Product> records) =>
        records.Select(p => new ProductListItem(p.Id, p.Code, p.Name, Money.Format(p.Price, p.Currency), p.Currency, p.Category, p.IsActive, p.OwnerId,
            Db.Users.Where(u => u.Id == p.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
