using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Records;

/// <summary>
/// The delete confirmation of a module deleted through <see cref="DeleteOwnedRecord{T}"/>. Each
/// module's page derives from it only to name its record type and list.
/// </summary>
public abstract class DeleteOwnedRecordPage<T>(DeleteOwnedRecord<T> delete, string listUrl) : DeleteConfirmationPage<OwnedRecordDeleteImpact>(listUrl)
    where T : OwnedRecord
{
    protected override Task<Result<OwnedRecordDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        delete.ImpactAsync(actor, id, cancellationToken);

    protected override Task<Result<OwnedRecordDeleteImpact>> DeleteAsync(Actor actor, int id, IReadOnlyCollection<string> also, CancellationToken cancellationToken) =>
        delete.RunAsync(actor, id, also, cancellationToken);
}
