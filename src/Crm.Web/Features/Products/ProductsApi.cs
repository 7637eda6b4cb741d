using Crm.Web.Records;
using Crm.Web.Security;

namespace Crm.Web.Features.Products;

/// <summary><c>/api/v1/products</c>: signed-in callers; permissions are decided inside the use cases.</summary>
public static class ProductsApi
{
    public static RouteGroupBuilder MapProductsApi(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Products").RequireAuthorization();

        products.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, bool? active, string? category,
                HttpContext http, ListProducts list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new ProductQuery(search, sort, cursor, pageSize, active, category), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListProducts")
            .WithSummary("The products you may view: filter by active and category, search code or name, sort by name, code or id, keyset-paged.");

        products.MapExport("ExportProducts", "products", async (string? format, string? search, string? sort, bool? active, string? category,
                HttpContext http, ExportProducts export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new ProductQuery(search, sort, null, null, active, category), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        products.MapOwnedRecordEdits(
            new OwnedRecordEdits<ProductInput, ProductFields>("Product")
            {
                GetSummary = "One product; 404 when it does not exist or you may not view it.",
                CreateSummary = "Adds a product; price is a string like \"19.90\" in the currency's decimals; the code must be unique ignoring case.",
                UpdateSummary = "Changes the fields present in the body; `version` is required, 409 if someone else saved first.",
            },
            get: async (ReadProduct read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(view.Product)),
            save: (SaveProduct save, Actor actor, int? id, ProductInput input, ProductFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: p => $"/api/v1/products/{p.Id}");

        products.MapOwnedRecordDelete<Product>("Product", "productId", "name",
            "Deletes the product.",
            "What deleting the product would delete with it.");

        return api;
    }
}
