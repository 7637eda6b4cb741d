using System.Text.Json;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

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

        products.MapGet("/{id:int}", async (int id, HttpContext http, ReadProduct read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(view.Product)))
            .WithName("GetProduct")
            .WithSummary("One product; 404 when it does not exist or you may not view it.");

        products.MapPost("", async (JsonElement body, HttpContext http, SaveProduct save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var read = PatchBody.Read<ProductRequest>(body, json.Value.SerializerOptions);
                return !read.IsOk ? read.ToHttp()
                    : (await save.RunAsync(http.Actor(), null, read.Value!.Value.ToInput(), ProductFields.All, cancellationToken))
                        .ToHttp(p => Results.Created($"/api/v1/products/{p.Id}", p));
            })
            .Accepts<ProductRequest>("application/json")
            .WithName("CreateProduct")
            .WithSummary("Adds a product; price is a string like \"19.90\" in the currency's decimals; the code must be unique ignoring case.");

        products.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveProduct save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<ProductRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var given = patch.Value!;
                var fields = ProductFields.None;
                foreach (var (name, field) in s_fields)
                {
                    fields |= given.Has(name) ? field : ProductFields.None;
                }

                return (await save.RunAsync(http.Actor(), id, given.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<ProductRequest>("application/json")
            .WithName("UpdateProduct")
            .WithSummary("Changes the fields present in the body; `version` is required, 409 if someone else saved first.");

        products.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteOwnedRecord<Product> delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, null, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteProduct")
            .WithSummary("Deletes the product.");

        products.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, DeleteOwnedRecord<Product> delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new { ProductId = i.Id, Name = i.Label, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden })))
            .WithName("GetProductDeleteImpact")
            .WithSummary("What deleting the product would delete with it.");

        return api;
    }

    private static readonly (string Name, ProductFields Field)[] s_fields =
    [
        ("code", ProductFields.Code), ("name", ProductFields.Name), ("price", ProductFields.Price), ("currency", ProductFields.Currency),
        ("category", ProductFields.Category), ("isActive", ProductFields.Active), ("ownerId", ProductFields.Owner),
    ];

    public sealed record ProductRequest(string? Code, string? Name, string? Price, string? Currency, string? Category, bool? IsActive, Guid? OwnerId, int? Version)
    {
        public ProductInput ToInput() => new(Code, Name, Price, Currency, Category, IsActive, OwnerId, Version);
    }
}
