using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>Removes an empty category with its grants (administrators); one with entries is refused, so no entry loses its grants unnoticed.</summary>
public sealed class DeleteVaultCategory(CrmDb db)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result.Forbidden("Only administrators manage the vault's categories.");
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(RecordEditing.PreviewRefused);
        }

        var category = await db.Set<VaultCategory>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null)
        {
            return Result.NotFound();
        }

        var entries = await db.Set<VaultEntry>().CountAsync(e => e.CategoryId == id, cancellationToken);
        if (entries > 0)
        {
            return Result.Conflict($"'{category.Name}' still holds {entries} entr{(entries == 1 ? "y" : "ies")}: move or delete them first.");
        }

        db.RemoveRange(db.Set<VaultGrant>().Where(g => g.CategoryId == id));
        db.Remove(category);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
