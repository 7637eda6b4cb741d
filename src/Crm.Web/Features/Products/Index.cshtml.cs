using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Products;

public sealed class ProductsPage(ListProducts list, RecordAccess access) : RecordListPage<ProductListItem>(access, CrmModules.Products)
{
    [BindProperty(SupportsGet = true)]
    public bool? Active { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    protected override Task<Result<ListPage<ProductListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new ProductQuery(Search, Sort, Cursor, PageSize, Active, Category), cancellationToken);

    protected override IEnumerable<KeyValuePair<string, string?>> Filters =>
    [
        new("active", Given(Active)),
        new("category", string.IsNullOrWhiteSpace(Category) ? null : Category),
    ];
}
