using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.RoleAudit;

/// <summary>One right a user holds: what their role gives, what they have, and what widened or narrowed it.</summary>
public sealed record EffectiveRight(string Module, string ModuleTitle, string Action, Scope RoleScope, Scope Effective, string? Source)
{
    /// <summary>Wider than the role: the report highlights it.</summary>
    public bool Widens => Effective > RoleScope;
}

/// <summary>A user's effective rights against their role; administrators hold every right and are listed as such.</summary>
public sealed record UserRights(Guid UserId, string Name, string Email, string Role, bool IsAdministrator, IReadOnlyList<EffectiveRight> Rights)
{
    public int Widened => Rights.Count(r => r.Widens);
}

/// <summary>A right nobody used in the window, with who holds it.</summary>
public sealed record UnusedRight(string Module, string ModuleTitle, string Action, IReadOnlyList<string> Holders);

/// <summary>A role granting export or delete on every record of a module.</summary>
public sealed record BroadRoleGrant(int RoleId, string Role, string Module, string ModuleTitle, string Action, int Holders);

public sealed record RoleAuditView(DateTime At, int WindowDays, IReadOnlyList<UserRights> Users, IReadOnlyList<UnusedRight> Unused, IReadOnlyList<BroadRoleGrant> Broad);

/// <summary>
/// The role audit (<c>/admin/roles/audit</c>, <c>GET /api/v1/roles/audit</c> and its CSV): for each
/// active user their effective rights against their role, with what widened them (an individual
/// override, a group, the organisation default); the rights nobody used in the last 90 days; and
/// the roles that may export or delete every record of a module. A right is "used" when the audit
/// trail holds an entry of its kind on the module in the window, by anyone: create (created),
/// edit (updated), delete (deleted), export (exported), transfer (transferred). Views, imports and
/// reviews leave no such entry, so they are never reported as unused.
/// </summary>
public sealed class RoleAuditReport(CrmDb db, PermissionSubjects subjects, PermissionEngine engine, TimeProvider clock)
{
    public const int WindowDays = 90;

    /// <summary>The audit trail's action for each right it records; rights not listed are not recorded.</summary>
    public static readonly IReadOnlyDictionary<string, string> RecordedAs = new Dictionary<string, string>
    {
        [PermissionAction.Create] = AuditActions.Created,
        [PermissionAction.Edit] = AuditActions.Updated,
        [PermissionAction.Delete] = AuditActions.Deleted,
        [PermissionAction.Export] = AuditActions.Exported,
        [PermissionAction.Transfer] = AuditActions.Transferred,
    };

    public async Task<Result<RoleAuditView>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<RoleAuditView>.Forbidden("Only administrators audit roles.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.Name }).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var users = await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.FullName).ThenBy(u => u.Email)
            .Select(u => new { u.Id, u.FullName, u.Email, u.RoleId, u.IsAdministrator }).ToListAsync(cancellationToken);
        var modules = engine.Catalog.Modules;
        var rights = new List<UserRights>();
        foreach (var user in users)
        {
            if (await subjects.LoadAsync(user.Id, cancellationToken) is not { } subject)
            {
                continue;
            }

            var held = user.IsAdministrator ? [] : modules.SelectMany(m => m.Actions.Select(a => Right(subject, m, a))).Where(r => r is not null).Select(r => r!).ToList();
            rights.Add(new UserRights(user.Id, string.IsNullOrWhiteSpace(user.FullName) ? user.Email ?? "" : user.FullName, user.Email ?? "",
                roles.GetValueOrDefault(user.RoleId, ""), user.IsAdministrator, held));
        }

        var since = now.AddDays(-WindowDays);
        var recorded = RecordedAs.Values.ToList();
        var used = (await db.AuditEntries.AsNoTracking().Where(e => e.At >= since && recorded.Contains(e.Action))
            .Select(e => new { e.EntityType, e.Action }).Distinct().ToListAsync(cancellationToken)).Select(e => (e.EntityType, e.Action)).ToHashSet();
        var unused = new List<UnusedRight>();
        foreach (var module in modules)
        {
            foreach (var action in module.Actions.Where(RecordedAs.ContainsKey))
            {
                if (used.Contains((module.Key, RecordedAs[action])))
                {
                    continue;
                }

                var holders = rights.Where(u => u.IsAdministrator || u.Rights.Any(r => r.Module == module.Key && r.Action == action && r.Effective > Scope.None)).Select(u => u.Name).ToList();
                if (holders.Count > 0)
                {
                    unused.Add(new UnusedRight(module.Key, module.Title, action, holders));
                }
            }
        }

        var holdersByRole = users.GroupBy(u => u.RoleId).ToDictionary(g => g.Key, g => g.Count());
        // A role's grants are its own and those of the profiles it is built on.
        var broad = (await db.RoleGrants.AsNoTracking()
                .Where(g => (g.Action == PermissionAction.Export || g.Action == PermissionAction.Delete) && g.Scope == Scope.All)
                .Select(g => new { g.RoleId, g.Module, g.Action }).ToListAsync(cancellationToken))
            .Concat(await db.RoleProfiles.AsNoTracking()
                .Join(db.ProfileGrants.Where(g => (g.Action == PermissionAction.Export || g.Action == PermissionAction.Delete) && g.Scope == Scope.All),
                    rp => rp.ProfileId, g => g.ProfileId, (rp, g) => new { rp.RoleId, g.Module, g.Action })
                .ToListAsync(cancellationToken))
            .Distinct()
            .Where(g => modules.Any(m => m.Key == g.Module))
            .OrderBy(g => roles.GetValueOrDefault(g.RoleId, ""), StringComparer.Ordinal).ThenBy(g => engine.Catalog[g.Module].Order).ThenBy(g => g.Action, StringComparer.Ordinal)
            .Select(g => new BroadRoleGrant(g.RoleId, roles.GetValueOrDefault(g.RoleId, ""), g.Module, engine.Catalog[g.Module].Title, g.Action, holdersByRole.GetValueOrDefault(g.RoleId)))
            .ToList();
        return Result<RoleAuditView>.Ok(new RoleAuditView(now, WindowDays, rights, unused, broad));
    }

    /// <summary>The user's right on one module action, with its source when it is not the role's; null when they hold nothing there and neither does the role.</summary>
    private EffectiveRight? Right(PermissionSubject subject, ModuleDefinition module, string action)
    {
        var role = subject.RoleGrants.Where(g => g.Module == module.Key && g.Action == action).Select(g => g.Scope).DefaultIfEmpty(Scope.None).Max();
        var decision = engine.Decide(subject, module.Key, action);
        var effective = decision.Allowed ? decision.Scope : Scope.None;
        if (effective == Scope.None && role == Scope.None)
        {
            return null;
        }

        string? source = null;
        if (subject.Overrides.Any(o => o.Module == module.Key && o.Action == action))
        {
            source = "individual override";
        }
        else if (effective != role)
        {
            var group = subject.GroupGrants.Where(g => g.Module == module.Key && g.Action == action && g.Scope == effective).Select(g => g.GroupName).FirstOrDefault();
            source = group is not null ? $"group {group}" : effective == Scope.All ? "organisation default" : null;
        }

        return new EffectiveRight(module.Key, module.Title, action, role, effective, source);
    }

    /// <summary>Every right of every user, one row each, for the CSV.</summary>
    public static TableExport ToTable(RoleAuditView view) => new($"role-audit-{view.At:yyyy-MM-dd}",
        ["User", "Email", "Role", "Administrator", "Module", "Action", "Role scope", "Effective scope", "Widened", "Source"],
        _ => Rows(view).ToAsyncEnumerable());

    /// <summary>How many rows <see cref="ToTable"/> writes.</summary>
    public static int RowCount(RoleAuditView view) => view.Users.Sum(u => u.IsAdministrator ? 1 : u.Rights.Count);

    private static IEnumerable<IReadOnlyList<string?>> Rows(RoleAuditView view)
    {
        foreach (var user in view.Users)
        {
            if (user.IsAdministrator)
            {
                yield return [user.Name, user.Email, user.Role, "yes", "", "", "", "All", "", "administrator: every right"];
                continue;
            }

            foreach (var right in user.Rights)
            {
                yield return [user.Name, user.Email, user.Role, "no", right.ModuleTitle, right.Action, right.RoleScope.ToString(), right.Effective.ToString(), right.Widens ? "yes" : "no", right.Source];
            }
        }
    }
}
