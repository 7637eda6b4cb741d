using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Products;

public sealed class ProductsPage(ListProducts list, RecordAccess access) : RecordListPage<ProductListItem>(access, CrmModules.Products)
{
    [ListFilter] public bool? Active { get; set; }
    [ListFilter] public string? Category { get; set; }

    protected override Task<Result<ListPage<ProductListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new ProductQuery(Search, Sort, Cursor, PageSize, Active, Category), cancellationToken);
}
