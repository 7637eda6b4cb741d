using System.Globalization;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

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

    public async Task<Result<TableExport>> RunAsync(Actor actor, ProductQuery query, string? format, CancellationToken cancellationToken)
    {
        var start = await exports.StartAsync(actor, CrmModules.Products, format, _ => ListProducts.Validate(query), cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var rows = list.Project(ListProducts.Order(filtered, ListProducts.SortOf(query), forward: true));
        return Result<TableExport>.Ok(await exports.FinishAsync(actor, start.Value!, query with { Cursor = null, PageSize = null }, s_columns,
            await filtered.CountAsync(cancellationToken), _ => rows.AsAsyncEnumerable(), cancellationToken));
    }
}
