using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Tasks;

public sealed class TasksPage(ListTasks list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Priority { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Responsible { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public ListPage<TaskListItem> Tasks { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new TaskQuery(Search, Status, Priority, Responsible, Sort: Sort, Cursor: Cursor, PageSize: PageSize), cancellationToken);
        if (result.IsOk)
        {
            Tasks = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Tasks.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, CrmModules.Tasks.Key, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    public string Link(string? cursor) => "/tasks" + QueryOf(cursor);

    /// <summary>The export of the list as shown: same search, filters and sort, every page.</summary>
    public string ExportLink => "/api/v1/tasks/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["status"] = string.IsNullOrEmpty(Status) ? null : Status,
            ["priority"] = string.IsNullOrEmpty(Priority) ? null : Priority,
            ["responsible"] = string.IsNullOrEmpty(Responsible) ? null : Responsible,
            ["sort"] = Sort,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
