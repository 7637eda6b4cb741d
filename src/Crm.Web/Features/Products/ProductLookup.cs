using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Products;

/// <summary>Products in the global search and as link targets, by code or name.</summary>
public sealed class ProductLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Product>(db, access)
{
    public override string ModuleKey => CrmModules.Products.Key;

    public override string Title => "Products";

    public override string PageOf(int id) => $"/products/{id}";

    protected override Expression<Func<Product, string>> Label => p => p.Code + " " + p.Name;

    protected override Expression<Func<Product, bool>> Matches(string lowerTerm) => Product.Matching(lowerTerm);
}
