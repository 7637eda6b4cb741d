using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Products;

public sealed class ProductsPage(ListProducts list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool? Active { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    public ListPage<ProductListItem> Products { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new ProductQuery(Search, Sort, Cursor, PageSize, Active, Category), cancellationToken);
        if (result.IsOk)
        {
            Products = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        var module = CrmModules.Products.Key;
        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    public string Link(string? cursor) => "/products" + QueryOf(cursor);

    public string ExportLink => "/api/v1/products/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["active"] = Active is { } active ? (active ? "true" : "false") : null,
            ["category"] = string.IsNullOrWhiteSpace(Category) ? null : Category,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
