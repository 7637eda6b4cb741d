using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>A record as the sharing use cases open it: its link, owner, and what the actor may do with its shares.</summary>
public sealed record SharedRecord(ModuleDefinition Module, RecordLink Link, RecordOwnership Ownership, bool MayShare, bool MayShareForEdit);

/// <summary>Whom a record can be shared with (IDs and names).</summary>
public sealed record ShareTargets(
    IReadOnlyList<KeyValuePair<Guid, string>> Users, IReadOnlyList<KeyValuePair<int, string>> Groups,
    IReadOnlyList<KeyValuePair<int, string>> Roles, IReadOnlyList<KeyValuePair<int, string>> Departments);

/// <summary>One share of a record as the page and the API show it.</summary>
public sealed record ShareView(long Id, string Target, string TargetName, Guid? UserId, int? GroupId, int? RoleId, bool WithSubordinates, int? DepartmentId,
    string Access, DateTime CreatedAt, DateTime? EndsAt, bool Ended);

/// <summary>
/// Opens a record of any CRM object module for sharing, through the module's own lookup: a record
/// the actor may not view is a 404 (as on every path); the owner may share it for reading, and
/// whoever may edit it (under the module's own rules) may share it for reading or editing.
/// Sharing uses "edit" rather than an action of its own (ADR 0027).
/// </summary>
public sealed class SharedRecords(CrmDb db, RecordLookups lookups, PermissionCatalog catalog, TimeProvider clock)
{
    public async Task<Result<SharedRecord>> OpenAsync(Actor actor, string module, int id, CancellationToken cancellationToken)
    {
        if (catalog.Modules.FirstOrDefault(m => m.Key == module) is not { } definition || lookups.Of(module) is not { } lookup)
        {
            return Result<SharedRecord>.NotFound();
        }

        if (await lookup.FindAsync(actor, id, cancellationToken) is not { } link || await lookup.OwnershipAsync(id, cancellationToken) is not { } ownership)
        {
            return Result<SharedRecord>.NotFound();
        }

        var mayEdit = !actor.IsPreview && (await lookup.PermittedAsync(actor, PermissionAction.Edit, [id], cancellationToken)).Contains(id);
        var owner = !actor.IsPreview && actor.UserId == ownership.OwnerId;
        return Result<SharedRecord>.Ok(new SharedRecord(definition, link, ownership, mayEdit || owner, mayEdit));
    }

    /// <summary>The record's shares, ended ones included (they no longer count), newest first, with their targets' names.</summary>
    public async Task<IReadOnlyList<ShareView>> SharesAsync(string module, int id, CancellationToken cancellationToken)
    {
        var shares = await db.RecordShares.AsNoTracking().Where(s => s.Module == module && s.RecordId == id)
            .OrderByDescending(s => s.Id).ToListAsync(cancellationToken);
        if (shares.Count == 0)
        {
            return [];
        }

        var names = await SharingNames.LoadAsync(db, cancellationToken);
        var userIds = shares.Where(s => s.UserId is not null).Select(s => s.UserId!.Value).ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.FullName) ? u.Email ?? "" : u.FullName, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return [.. shares.Select(s => View(s, s.UserId is { } user ? $"user '{users.GetValueOrDefault(user, user.ToString())}'" : names.Party(s.GroupId, s.DepartmentId, s.RoleId, s.WithSubordinates), now))];
    }

    /// <summary>Whom a record can be shared with, for the page's choice: active users, groups, roles and departments, by name.</summary>
    public async Task<ShareTargets> TargetsAsync(CancellationToken cancellationToken) => new(
        [.. (await db.Users.AsNoTracking().Where(u => u.IsActive).Select(u => new { u.Id, u.FullName, u.Email }).ToListAsync(cancellationToken))
            .Select(u => new KeyValuePair<Guid, string>(u.Id, string.IsNullOrWhiteSpace(u.FullName) ? u.Email ?? "" : u.FullName))
            .OrderBy(u => u.Value, StringComparer.CurrentCultureIgnoreCase)],
        await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => new KeyValuePair<int, string>(g.Id, g.Name)).ToListAsync(cancellationToken),
        await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => new KeyValuePair<int, string>(r.Id, r.Name)).ToListAsync(cancellationToken),
        await db.Departments.AsNoTracking().OrderBy(d => d.Name).Select(d => new KeyValuePair<int, string>(d.Id, d.Name)).ToListAsync(cancellationToken));

    public static ShareView View(Share share, string targetName, DateTime now) =>
        new(share.Id, share.Target.ToString().ToLowerInvariant(), targetName, share.UserId, share.GroupId, share.RoleId, share.WithSubordinates, share.DepartmentId,
            AccessName(share.Access), share.CreatedAt, share.EndsAt, share.EndsAt is { } end && end <= now);

    public static string AccessName(ShareAccess access) => access == ShareAccess.Edit ? "edit" : "read";
}
