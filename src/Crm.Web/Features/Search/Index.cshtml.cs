using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Search;

public sealed class SearchPage(SearchRecords search) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public SearchResults? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Query))
        {
            return Page();
        }

        var result = await search.RunAsync(HttpContext.Actor(), Query, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState, "");
            return Page();
        }

        Results = result.Value;
        return Results.OnlyMatch is { } only ? LocalRedirect(only.Url) : Page();
    }
}
