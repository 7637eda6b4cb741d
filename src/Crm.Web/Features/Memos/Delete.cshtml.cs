using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Memos;

public sealed class DeleteMemoPage(DeleteMemo delete) : DeleteConfirmationPage<MemoDeleteImpact>("/memos")
{
    protected override Task<Result<MemoDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        delete.ImpactAsync(actor, id, cancellationToken);

    protected override Task<Result<MemoDeleteImpact>> DeleteAsync(Actor actor, int id, IReadOnlyCollection<string> also, CancellationToken cancellationToken) =>
        delete.RunAsync(actor, id, cancellationToken, also);
}
