using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Vault;

/// <summary>Removes an entry the actor may edit, with its own grants (the trail keeps that it existed, not its secrets).</summary>
public sealed class DeleteVaultEntry(CrmDb db, VaultAccess access)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var opened = await access.OpenAsync(actor, id, tracked: true, cancellationToken);
        if (!opened.IsOk)
        {
            return opened;
        }

        var (entry, reach) = opened.Value;
        if (!reach.MayEdit(entry.Id, entry.CategoryId))
        {
            return Result.Forbidden(actor.IsPreview ? RecordEditing.PreviewRefused : $"You may view '{entry.Name}' but not delete it.");
        }

        db.RemoveRange(db.Set<VaultGrant>().Where(g => g.EntryId == entry.Id));
        db.Remove(entry);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
