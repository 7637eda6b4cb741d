using Crm.Web.Features.Help;
using Crm.Web.Records;
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

        public void MapApi(RouteGroupBuilder api) => api.MapProductsApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<ProductLookup>();
            services.AddScoped<ListProducts>();
            services.AddScoped<ReadProduct>();
            services.AddScoped<SaveProduct>();
            services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Product>(CrmModules.Products.Key, "product", "product-deleted", "product", p => $"{p.Code} {p.Name}"));
            services.AddScoped<ExportProducts>();
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
}
