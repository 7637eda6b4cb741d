using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>
/// The categories: all of them with their grants for administrators; for everyone else only those
/// they may add entries to (the entry form's choices), without grants.
/// </summary>
public sealed class ListVaultCategories(CrmDb db, VaultAccess access)
{
    public async Task<Result<IReadOnlyList<VaultCategoryView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        var reached = await access.ReachAsync(actor, cancellationToken);
        if (!reached.IsOk)
        {
            return reached.Map<IReadOnlyList<VaultCategoryView>>();
        }

        var categories = await db.Set<VaultCategory>().AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new { c.Id, c.Name, c.RotationDays, Entries = db.Set<VaultEntry>().Count(e => e.CategoryId == c.Id) })
            .ToListAsync(cancellationToken);
        var views = new List<VaultCategoryView>();
        foreach (var c in categories.Where(c => actor.IsAdministrator || reached.Value.MayAddTo(c.Id)))
        {
            var grants = actor.IsAdministrator ? await ReadVaultEntry.GrantsAsync(db, entryId: null, categoryId: c.Id, cancellationToken) : [];
            views.Add(new VaultCategoryView(c.Id, c.Name, c.RotationDays, actor.IsAdministrator ? c.Entries : 0, grants));
        }

        return Result<IReadOnlyList<VaultCategoryView>>.Ok(views);
    }
}
