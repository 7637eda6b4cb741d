using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Files;

public sealed class FilesPage(ListFiles list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public ListPage<FileListItem> Files { get; private set; } = new([], null, null);
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new FileQuery(null, null, Search, Sort, Cursor, PageSize), cancellationToken);
        if (result.IsOk)
        {
            Files = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        CanExport = (await access.DecideAsync(actor, CrmModules.Files.Key, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    public string Link(string? cursor) => "/files" + QueryOf(cursor);

    /// <summary>The export of the list as shown: same search and sort, every page.</summary>
    public string ExportLink => "/api/v1/files/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
