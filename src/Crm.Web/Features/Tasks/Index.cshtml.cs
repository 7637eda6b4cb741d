using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Tasks;

public sealed class TasksPage(ListTasks list, RecordAccess access) : RecordListPage<TaskListItem>(access, CrmModules.Tasks)
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Priority { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Responsible { get; set; }

    public ListPage<TaskListItem> Tasks => List;

    protected override Task<Result<ListPage<TaskListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new TaskQuery(Search, Status, Priority, Responsible, Sort: Sort, Cursor: Cursor, PageSize: PageSize), cancellationToken);

    protected override IEnumerable<KeyValuePair<string, string?>> Filters =>
    [
        new("status", Given(Status)),
        new("priority", Given(Priority)),
        new("responsible", Given(Responsible)),
    ];
}
