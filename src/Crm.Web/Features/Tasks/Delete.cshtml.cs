using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Tasks;

public sealed class DeleteTaskPage(DeleteTask delete) : DeleteConfirmationPage<TaskDeleteImpact>("/tasks")
{
    protected override Task<Result<TaskDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        delete.ImpactAsync(actor, id, cancellationToken);

    protected override Task<Result<TaskDeleteImpact>> DeleteAsync(Actor actor, int id, IReadOnlyCollection<string> also, CancellationToken cancellationToken) =>
        delete.RunAsync(actor, id, cancellationToken, also);
}
