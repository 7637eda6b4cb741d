using Crm.Web.Features.Records;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Files;

public sealed class FilesPage(ListFiles list) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public ListPage<FileListItem> Files { get; private set; } = new([], null, null);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), new FileQuery(null, null, Search, Sort, Cursor, PageSize), cancellationToken);
        if (result.IsOk)
        {
            Files = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        return Page();
    }

    public string Link(string? cursor) =>
        "/files" + QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
