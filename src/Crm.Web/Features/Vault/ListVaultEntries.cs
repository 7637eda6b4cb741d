using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>The list's filters: a text in the name, URL or user name; a category; only entries due for rotation.</summary>
public sealed record VaultFilter(string? Search = null, int? CategoryId = null, bool RotationDue = false);

/// <summary>
/// The entries the actor's grants reach (every entry for administrators), by name, without any
/// secret: the list shows only that an entry has notes or a TOTP seed, and whether its rotation is due.
/// </summary>
public sealed class ListVaultEntries(CrmDb db, VaultAccess access, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<VaultEntrySummary>>> RunAsync(Actor actor, VaultFilter filter, CancellationToken cancellationToken)
    {
        var reached = await access.ReachAsync(actor, cancellationToken);
        if (!reached.IsOk)
        {
            return reached.Map<IReadOnlyList<VaultEntrySummary>>();
        }

        var reach = reached.Value;
        var query = db.Set<VaultEntry>().AsNoTracking().Include(e => e.Category).AsQueryable();
        if (!reach.Everything)
        {
            var categories = reach.Categories.Keys.ToList();
            var entries = reach.Entries.Keys.ToList();
            query = query.Where(e => categories.Contains(e.CategoryId) || entries.Contains(e.Id));
        }

        if (filter.CategoryId is { } category)
        {
            query = query.Where(e => e.CategoryId == category);
        }

        if (TextSearch.Term(filter.Search) is { } term)
        {
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
            query = query.Where(e => e.Name.ToLower().Contains(term) || (e.Url ?? "").ToLower().Contains(term) || (e.UserName ?? "").ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var rows = (await query.OrderBy(e => e.Name).ThenBy(e => e.Id).ToListAsync(cancellationToken))
            .Select(e => VaultEntrySummary.Of(e, e.Category!.Name, e.Category.RotationDays, reach.MayEdit(e.Id, e.CategoryId), now));
        if (filter.RotationDue)
        {
            rows = rows.Where(r => r.RotationDue);
        }

        return Result<IReadOnlyList<VaultEntrySummary>>.Ok([.. rows]);
    }
}
