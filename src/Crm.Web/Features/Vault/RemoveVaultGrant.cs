using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>Withdraws a grant (administrators); it bites on the next request of everyone it reached.</summary>
public sealed class RemoveVaultGrant(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, VaultGrantPlace place, long grantId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result.Forbidden("Only administrators manage the vault's grants.");
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(RecordEditing.PreviewRefused);
        }

        var grant = await db.Set<VaultGrant>().FirstOrDefaultAsync(g => g.Id == grantId && g.CategoryId == place.CategoryId && g.EntryId == place.EntryId, cancellationToken);
        if (grant is null)
        {
            return Result.NotFound();
        }

        var target = (await ReadVaultEntry.GrantsAsync(db, place.EntryId, place.CategoryId, cancellationToken)).FirstOrDefault(g => g.Id == grantId)?.Target ?? "?";
        db.Remove(grant);
        activity.Record(actor, ActivityKinds.PermissionChanged, $"Vault: withdrew {target}'s access to {await SaveVaultGrant.PlaceNameAsync(db, place, cancellationToken)}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
