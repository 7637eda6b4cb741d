using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Contacts;

public sealed class DeleteContactPage(DeleteContact delete) : DeleteConfirmationPage<ContactDeleteImpact>("/contacts")
{
    protected override Task<Result<ContactDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        delete.ImpactAsync(actor, id, cancellationToken);

    protected override Task<Result<ContactDeleteImpact>> DeleteAsync(Actor actor, int id, IReadOnlyCollection<string> also, CancellationToken cancellationToken) =>
        delete.RunAsync(actor, id, cancellationToken, also);
}
