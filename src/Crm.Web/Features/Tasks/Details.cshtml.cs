using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Tasks;

public sealed class TaskPage(ReadTask read, RecordAccess access) : RecordDetailsPage<TaskView>
{
    public bool CanAddTask { get; private set; }

    protected override Task<Result<TaskView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override async Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        CanAddTask = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Tasks.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
}
