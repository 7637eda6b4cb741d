using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>What one person may do in the vault: every entry (administrators), or the categories and entries their grants reach.</summary>
public sealed record VaultReach(bool Everything, bool MayWrite, IReadOnlyDictionary<int, ShareAccess> Categories, IReadOnlyDictionary<int, ShareAccess> Entries)
{
    /// <summary>The widest access a grant on the entry or on its category gives; null when none reaches.</summary>
    public ShareAccess? On(int entryId, int categoryId)
    {
        if (Everything)
        {
            return MayWrite ? ShareAccess.Edit : ShareAccess.Read;
        }

        ShareAccess? best = null;
        foreach (var found in new[] { Entries.TryGetValue(entryId, out var e) ? e : (ShareAccess?)null, Categories.TryGetValue(categoryId, out var c) ? c : null })
        {
            if (found is { } access && (best is null || access > best))
            {
                best = access;
            }
        }

        return best == ShareAccess.Edit && !MayWrite ? ShareAccess.Read : best;
    }

    public bool MayView(int entryId, int categoryId) => On(entryId, categoryId) is not null;

    public bool MayEdit(int entryId, int categoryId) => On(entryId, categoryId) == ShareAccess.Edit;

    /// <summary>May add entries to the category: an edit grant on the category itself (or administrator).</summary>
    public bool MayAddTo(int categoryId) =>
        MayWrite && (Everything || (Categories.TryGetValue(categoryId, out var access) && access == ShareAccess.Edit));
}

/// <summary>
/// Resolves whom the vault's grants reach. The person's roles, departments (with sub-departments)
/// and groups come from <see cref="PermissionSubjects"/>, the same resolution record shares use, and
/// a grant reaches them exactly when the equivalent share would (<see cref="RecordShare.Reaches"/>).
/// Administrators see every entry (they manage the grants, so hiding entries from them would be
/// theatre); a preview is read-only; an API token limited by scopes never reaches the vault.
/// </summary>
public sealed class VaultAccess(CrmDb db, Security.Permissions.Access access)
{
    public const string ScopedTokenRefused = "API tokens limited to some modules cannot use the password vault.";

    public async Task<Result<VaultReach>> ReachAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.TokenScopes is not null)
        {
            return Result<VaultReach>.Forbidden(ScopedTokenRefused);
        }

        var mayWrite = !actor.IsPreview;
        var empty = new Dictionary<int, ShareAccess>();
        if (actor.Kind == ActorKind.System || actor.IsAdministrator)
        {
            return Result<VaultReach>.Ok(new VaultReach(true, mayWrite, empty, empty));
        }

        var subject = await access.SubjectAsync(actor, cancellationToken);
        if (subject is null)
        {
            return Result<VaultReach>.Ok(new VaultReach(false, false, empty, empty));
        }

        var reaching = (await db.Set<VaultGrant>().AsNoTracking().ToListAsync(cancellationToken))
            .Where(g => g.ToShare().Reaches(subject)).ToList();
        return Result<VaultReach>.Ok(new VaultReach(false, mayWrite,
            Widest(reaching.Where(g => g.CategoryId is not null), g => g.CategoryId!.Value),
            Widest(reaching.Where(g => g.EntryId is not null), g => g.EntryId!.Value)));
    }

    /// <summary>
    /// Entry <paramref name="id"/> with the actor's access to it: missing, or outside the actor's
    /// grants, is the same 404 on every path.
    /// </summary>
    public async Task<Result<(VaultEntry Entry, VaultReach Reach)>> OpenAsync(Actor actor, int id, bool tracked, CancellationToken cancellationToken)
    {
        var reach = await ReachAsync(actor, cancellationToken);
        if (!reach.IsOk)
        {
            return reach.Map<(VaultEntry, VaultReach)>();
        }

        var query = db.Set<VaultEntry>().Include(e => e.Category).Where(e => e.Id == id);
        var entry = await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(cancellationToken);
        return entry is null || !reach.Value.MayView(entry.Id, entry.CategoryId)
            ? Result<(VaultEntry, VaultReach)>.NotFound()
            : Result<(VaultEntry, VaultReach)>.Ok((entry, reach.Value));
    }

    private static Dictionary<int, ShareAccess> Widest(IEnumerable<VaultGrant> grants, Func<VaultGrant, int> key) =>
        grants.GroupBy(key).ToDictionary(g => g.Key, g => g.Max(x => x.Access));
}
