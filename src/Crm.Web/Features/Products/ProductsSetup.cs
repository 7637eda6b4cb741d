using Crm.Web.Features.Help;
using Crm.Web.Features.Records;
using Crm.Web.Features.Users;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Products;

public static class ProductsSetup
{
    public static IServiceCollection AddProducts(this IServiceCollection services)
    {
        services.AddRecordLookup<ProductLookup>();
        services.AddScoped<ListProducts>();
        services.AddScoped<ReadProduct>();
        services.AddScoped<SaveProduct>();
        services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Product>(Security.Permissions.CrmModules.Products.Key, "product", "product-deleted", "product", p => $"{p.Code} {p.Name}"));
        services.AddScoped<ExportProducts>();
        services.AddSingleton(provider => new OwnedRecords(
            "products",
            (db, userId, cancellationToken) => db.Products.CountAsync(p => p.OwnerId == userId, cancellationToken),
            async (db, from, to, cancellationToken) =>
            {
                var department = await Owners.DepartmentOfAsync(db, to, cancellationToken);
                var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                foreach (var product in await db.Products.Where(p => p.OwnerId == from).ToListAsync(cancellationToken))
                {
                    product.OwnerId = to;
                    product.DepartmentId = department;
                    product.ModifiedAt = now;
                    product.ModifiedById = null;
                    product.Version++;
                }

                await db.SaveChangesAsync(cancellationToken);
            }));
        services.AddSection(new Section("Products", "What you sell: codes, names, list prices and categories.", "/products", 45, _ => true)
        {
            Module = Security.Permissions.CrmModules.Products.Key,
        });
        services.AddHelpTopic(new HelpTopic("products", "Products",
        [
            "The product list shows the products your role lets you see. Search by code or name, show only active or inactive products, filter by category, and sort by name, code or ID.",
            "Each product has a code that no other product has; upper and lower case do not count, so \"AB-1\" and \"ab-1\" are the same code.",
            "The price is entered like 19.90 (a dot for decimals, no thousands separators) with a three-letter currency code such as EUR. It cannot be negative or have more decimals than the currency has.",
            "A product that is no longer sold can be marked inactive instead of being deleted.",
        ]));
        return services;
    }
}
