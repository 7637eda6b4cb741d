using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Products = ModuleDefinition.Standard("products", "Products", "Product", PermissionAction.Import) with { Order = 50 };
    }
}

namespace Crm.Web.Features.Products
{
    public sealed class ProductsSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Products];

        /// <summary><c>/api/v1/products</c>: signed-in callers; permissions are decided inside the use cases.</summary>
        public void MapApi(RouteGroupBuilder api)
        {
            var products = api.MapGroup("/products").WithTags("Products").RequireAuthorization();

            products.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, bool? active, string? category,
                    HttpContext http, ListProducts list, CancellationToken cancellationToken) =>
                    (await list.RunAsync(http.Actor(), new ProductQuery(search, sort, cursor, pageSize, active, category), cancellationToken))
                        .ToHttp(page => Results.Ok(page)))
                .AsRecordList<ProductListItem>(CrmModules.Products)
                .WithName("ListProducts")
                .WithSummary("The products you may view: filter by active and category, search code or name, sort by name, code or id, keyset-paged.");

            products.MapGet("/export", async (string? format, string? search, string? sort, bool? active, string? category,
                    HttpContext http, ListProducts list, CancellationToken cancellationToken) =>
                (await list.ExportAsync(http.Actor(), new ProductQuery(search, sort, null, null, active, category), format, cancellationToken))
                    .ToHttp(file => file.ToDownload(http.RequestAborted)))
                .AsListExport(products, "ExportProducts", "products");

            products.MapRecordViewEdits<ReadProduct, SaveProduct, ProductInput, ProductFields, ProductDetails>(CrmModules.Products,
                new OwnedRecordEdits<ProductInput, ProductFields>("Product")
                {
                    CreateSummary = "Adds a product; price is a string like \"19.90\" in the currency's decimals; the code must be unique ignoring case.",
                });

            products.MapOwnedRecordDelete<Product>("Product", "productId", "name");
        }

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<ProductLookup>();
            services.AddScoped<ListProducts>();
            services.AddScoped<ReadProduct>();
            services.AddScoped<SaveProduct>();
            services.AddRecordImport<Product, SaveProduct, ProductInput, ProductFields, ProductDetails, DeleteOwnedRecord<Product>, OwnedRecordDeleteImpact>(CrmModules.Products, ["code"]);
            services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Product>(CrmModules.Products.Key, "product", "product-deleted", "product", p => $"{p.Code} {p.Name}"));
            services.AddOwnerMoves<Product>(CrmModules.Products);
            services.AddSection(new Section("Products", "What you sell: codes, names, list prices and categories.", "/products", 45, _ => true)
            {
                Module = CrmModules.Products.Key,
            });
            services.AddHelpTopic(new HelpTopic("products", "Products",
            [
                "The product list shows the products your role lets you see. Search by code or name, show only active or inactive products, filter by category, and sort by name, code or ID.",
                "Each product has a code that no other product has; upper and lower case do not count, so \"AB-1\" and \"ab-1\" are the same code.",
                "The price is entered like 19.90 (a dot for decimals, no thousands separators) with a three-letter currency code such as EUR. It cannot be negative or have more decimals than the currency has.",
                "A product that is no longer sold can be marked inactive instead of being deleted.",
            ]));
        }
    }

    /// <summary>Products in the global search and as link targets, by code or name.</summary>
    public sealed class ProductLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Product>(db, access, CrmModules.Products)
    {
        protected override Expression<Func<Product, string>> Label => p => p.Code + " " + p.Name;

        protected override Expression<Func<Product, bool>> Matches(string lowerTerm) => Product.Matching(lowerTerm);
    }
}
