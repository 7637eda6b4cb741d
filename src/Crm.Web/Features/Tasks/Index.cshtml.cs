using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Tasks;

public sealed class TasksPage(ListTasks list, RecordAccess access) : RecordListPage<TaskListItem>(access, CrmModules.Tasks)
{
    [ListFilter] public string? Status { get; set; }
    [ListFilter] public string? Priority { get; set; }
    [ListFilter] public string? Responsible { get; set; }

    public ListPage<TaskListItem> Tasks => List;

    protected override Task<Result<ListPage<TaskListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new TaskQuery(Search, Status, Priority, Responsible, Sort: Sort, Cursor: Cursor, PageSize: PageSize), cancellationToken);
}
