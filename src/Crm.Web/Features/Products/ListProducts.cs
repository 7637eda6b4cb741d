using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Products;

public sealed record ProductQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, bool? Active = null, string? Category = null);

public sealed record ProductListItem(int Id, string Code, string Name, string Price, string Currency, string? Category, bool IsActive, Guid OwnerId, string OwnerName);

/// <summary>The products the actor may view, filtered by active flag and category, searched by code or name, sorted by name, code or ID, keyset-paged.</summary>
public sealed class ListProducts(CrmDb db, RecordAccess access)
{
    public const string SortByName = "name";
    public const string SortByCode = "code";
    public const string SortById = "id";

    public async Task<Result<ListPage<ProductListItem>>> RunAsync(Actor actor, ProductQuery query, CancellationToken cancellationToken)
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
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortById ? 0 : 1);
            if (cursor is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<ProductListItem>>.Invalid(errors);
        }

        var products = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            var key = at.Keys.Count > 0 ? at.Keys[0] : "";
            products = sort switch
            {
                SortByName => at.Forward
                    ? products.Where(p => p.Name.CompareTo(key) >= 0).Where(p => p.Name.CompareTo(key) > 0 || (p.Name == key && p.Id > id))
                    : products.Where(p => p.Name.CompareTo(key) <= 0).Where(p => p.Name.CompareTo(key) < 0 || (p.Name == key && p.Id < id)),
                SortByCode => at.Forward
                    ? products.Where(p => p.CodeKey.CompareTo(key) >= 0).Where(p => p.CodeKey.CompareTo(key) > 0 || (p.CodeKey == key && p.Id > id))
                    : products.Where(p => p.CodeKey.CompareTo(key) <= 0).Where(p => p.CodeKey.CompareTo(key) < 0 || (p.CodeKey == key && p.Id < id)),
                _ => at.Forward ? products.Where(p => p.Id > id) : products.Where(p => p.Id < id),
            };
        }

        var rows = await Project(Order(products, sort, cursor?.Forward ?? true).Take(size + 1)).ToListAsync(cancellationToken);
        return Result<ListPage<ProductListItem>>.Ok(ListPaging.Page(rows, size, cursor, (row, next) => new ListCursor(sort, next, row.Id,
            sort == SortByName ? [row.Name] : sort == SortByCode ? [row.Code.ToLowerInvariant()] : [])));
    }

    internal static IOrderedQueryable<Product> Order(IQueryable<Product> products, string sort, bool forward) => sort switch
    {
        SortByName => forward ? products.OrderBy(p => p.Name).ThenBy(p => p.Id) : products.OrderByDescending(p => p.Name).ThenByDescending(p => p.Id),
        SortByCode => forward ? products.OrderBy(p => p.CodeKey).ThenBy(p => p.Id) : products.OrderByDescending(p => p.CodeKey).ThenByDescending(p => p.Id),
        _ => forward ? products.OrderBy(p => p.Id) : products.OrderByDescending(p => p.Id),
    };

    internal static string SortOf(ProductQuery query) => query.Sort?.ToLowerInvariant() switch
    {
        SortById => SortById,
        SortByCode => SortByCode,
        _ => SortByName,
    };

    internal static FieldErrors Validate(ProductQuery query)
    {
        var errors = new FieldErrors()
            .Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false)
            .Text("category", "Category", query.Category, Product.CategoryMaxLength, required: false);
        if (query.Sort is { Length: > 0 } s && s.ToLowerInvariant() is not (SortByName or SortByCode or SortById))
        {
            errors.Add("sort", "Sort by \"name\", \"code\" or \"id\".");
        }

        return errors;
    }

    internal async Task<IQueryable<Product>> FilteredAsync(Actor actor, ProductQuery query, CancellationToken cancellationToken)
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

    internal IQueryable<ProductListItem> Project(IQueryable<Product> products) =>
        products.Select(p => new ProductListItem(p.Id, p.Code, p.Name, Money.Format(p.Price, p.Currency), p.Currency, p.Category, p.IsActive, p.OwnerId,
            db.Users.Where(u => u.Id == p.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
