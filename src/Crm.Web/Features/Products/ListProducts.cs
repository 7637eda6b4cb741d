using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Products;

public sealed record ProductQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, bool? Active = null, string? Category = null);

public sealed record ProductListItem(int Id, string Code, string Name, string Price, string Currency, string? Category, bool IsActive, Guid OwnerId, string OwnerName);

/// <summary>
/// The products the actor may view, filtered by active flag and category, searched by code or name,
/// sorted by name, code or ID: a keyset page, or every page as CSV or xlsx (<see cref="ExportAsync"/>).
/// </summary>
public sealed class ListProducts(CrmDb db, RecordAccess access, ListExports exports)
{
    public const string SortByName = "name";
    public const string SortByCode = "code";
    public const string SortById = "id";

    /// <summary>The sorts: by name (the default), by code (its lower-cased key column), by ID.</summary>
    private static readonly KeysetList<Product, ProductListItem> Sorts = new KeysetList<Product, ProductListItem>(p => p.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(p => p.Name, r => r.Name))
        .Sort(SortByCode, keys => keys.Text(p => p.CodeKey, r => r.Code.ToLowerInvariant()))
        .Sort(SortById);

    public async Task<Result<ListPage<ProductListItem>>> RunAsync(Actor actor, ProductQuery query, CancellationToken cancellationToken)
    {
        var errors = Validate(query);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize);
        if (errors.Any)
        {
            return Result<ListPage<ProductListItem>>.Invalid(errors);
        }

        var products = await FilteredAsync(actor, query, cancellationToken);
        return Result<ListPage<ProductListItem>>.Ok(page.Page(await Project(page.Read(products)).ToListAsync(cancellationToken)));
    }

    /// <summary>The list as CSV or xlsx (export permission; hidden fields left out; logged and audited).</summary>
    public Task<Result<TableExport>> ExportAsync(Actor actor, ProductQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Products, query, format, _ => Validate(query), async ct =>
        {
            var filtered = await FilteredAsync(actor, query, ct);
            return await ListExports.CountedAsync(filtered, Project(Sorts.Order(filtered, query.Sort)), s_columns, ct);
        }, cancellationToken);

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

    private static FieldErrors Validate(ProductQuery query)
    {
        var errors = new FieldErrors()
            .Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false)
            .Text("category", "Category", query.Category, Product.CategoryMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);
        return errors;
    }

    private async Task<IQueryable<Product>> FilteredAsync(Actor actor, ProductQuery query, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<Product>(actor, CrmModules.Products.Key, cancellationToken);
        var products = db.Products.AsNoTracking().Where(visible);
        if (TextSearch.Term(query.Search) is { } term)
        {
            products = products.Where(Product.Matching(term));
        }

        if (query.Active is { } active)
        {
            products = products.Where(p => p.IsActive == active);
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            var category = query.Category.Trim();
            products = products.Where(p => p.Category == category);
        }

        return products;
    }

    private IQueryable<ProductListItem> Project(IQueryable<Product> products) =>
        products.Select(p => new ProductListItem(p.Id, p.Code, p.Name, Money.Format(p.Price, p.Currency), p.Currency, p.Category, p.IsActive, p.OwnerId,
            db.Users.Where(u => u.Id == p.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
