using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Products;

/// <summary>The current product list as CSV or xlsx (export permission; hidden fields left out; logged and audited).</summary>
public sealed class ExportProducts(ListProducts list, ListExports exports)
{
    public const string ActivityKind = "products-exported";

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

    public Task<Result<TableExport>> RunAsync(Actor actor, ProductQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Products, query, format, _ => ListProducts.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            return await ListExports.CountedAsync(filtered, list.Project(ListProducts.Sorts.Order(filtered, query.Sort)), s_columns, ct);
        }, cancellationToken);
}
