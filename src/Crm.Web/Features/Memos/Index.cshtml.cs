using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Memos;

public sealed class MemosPage(ListMemos list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Box { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public ListPage<MemoListItem> Memos { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new MemoQuery(Search, Stage, Box, Sort, Cursor, PageSize), cancellationToken);
        if (result.IsOk)
        {
            Memos = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Memos.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, CrmModules.Memos.Key, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    public string Link(string? cursor) => "/memos" + QueryOf(cursor);

    /// <summary>The export of the list as shown: same search, filters and sort, every page.</summary>
    public string ExportLink => "/api/v1/memos/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["stage"] = string.IsNullOrEmpty(Stage) ? null : Stage,
            ["box"] = string.IsNullOrEmpty(Box) ? null : Box,
            ["sort"] = Sort,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
