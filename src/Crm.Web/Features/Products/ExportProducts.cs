using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Products;

/// <summary>The current product list as CSV (export permission; hidden fields left out; logged).</summary>
public sealed class ExportProducts(CrmDb db, ListProducts list, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const string ActivityKind = "products-exported";

    private static readonly (string Field, string Header, Func<ProductListItem, string?> Value)[] s_columns =
    [
        ("id", "ID", p => p.Id.ToString(CultureInfo.InvariantCulture)),
        ("code", "Code", p => p.Code),
        ("name", "Name", p => p.Name),
        ("price", "Price", p => p.Price),
        ("price", "Currency", p => p.Currency),
        ("category", "Category", p => p.Category),
        ("isActive", "Active", p => p.IsActive ? "yes" : "no"),
        ("owner", "Owner", p => p.OwnerName),
    ];

    public async Task<Result<CsvExport>> RunAsync(Actor actor, ProductQuery query, CancellationToken cancellationToken)
    {
        var module = CrmModules.Products.Key;
        if (!(await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed)
        {
            return Result<CsvExport>.Forbidden("You may not export products.");
        }

        var errors = ListProducts.Validate(query);
        if (errors.Any)
        {
            return Result<CsvExport>.Invalid(errors);
        }

        var fields = await access.FieldsAsync(actor, module, cancellationToken);
        var columns = s_columns.Where(c => fields.CanSee(c.Field)).ToList();
        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var count = await filtered.CountAsync(cancellationToken);
        activity.Record(actor, ActivityKind, $"Exported {count} products as CSV.");
        await db.SaveChangesAsync(cancellationToken);
        var rows = list.Project(ListProducts.Order(filtered, ListProducts.SortOf(query), forward: true));
        var name = $"products-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.csv";
        return Result<CsvExport>.Ok(new CsvExport(name, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
            await writer.WriteAsync(Csv.Line(columns.Select(c => c.Header)));
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                await writer.WriteAsync(Csv.Line(columns.Select(c => c.Value(row))));
            }
        }));
    }
}
