using Crm.Web.Data;
using Crm.Web.Features.Access;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Security.Permissions;

/// <summary>
/// Loads what the engine needs to know about a user from the database: their departments with
/// every sub-department, the users below their role, their groups, grants, overrides, field rules
/// and the organisation defaults. Each request first reads the <see cref="PermissionStamp"/>: while
/// it is unchanged the subject loaded earlier is reused; any change to what shapes permissions
/// replaces the stamp in the same transaction, so the change bites on the very next request, for
/// sessions and API tokens alike.
/// </summary>
public sealed class PermissionSubjects(CrmDb db, PermissionSubjectCache cache, RequestPermissionStamp requestStamp)
{
    private readonly Dictionary<Guid, PermissionSubject?> _loaded = [];

    public async Task<PermissionSubject?> LoadAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (_loaded.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        // Read before the subject: a change committed after this read leaves a newer stamp behind,
        // so what is cached under this one is at worst reloaded once too often, never kept stale.
        // The session check's reading will do, unless this very request has since changed what
        // shapes permissions (it then tracks the stamp it replaced).
        var token = requestStamp.Token is { } read && !db.ChangeTracker.Entries<PermissionStamp>().Any()
            ? read
            : await PermissionStamp.CurrentAsync(db, cancellationToken);
        if (token is { } current && cache.Get(userId, current) is { } reused)
        {
            _loaded[userId] = reused;
            return reused;
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.FullName, u.Email, u.IsAdministrator, u.RoleId })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            _loaded[userId] = null;
            return null;
        }

        // Both trees are small (tens of rows): read them whole and walk them here.
        var departments = await db.Departments.AsNoTracking().Select(d => new { d.Id, d.ParentId }).ToListAsync(cancellationToken);
        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.ParentId, r.Name }).ToListAsync(cancellationToken);
        var ownDepartments = await db.UserDepartments.Where(m => m.UserId == userId).Select(m => m.DepartmentId).ToListAsync(cancellationToken);
        var rolesBelow = Descendants(user.RoleId, roles.Select(r => (r.Id, r.ParentId)));
        var subordinates = rolesBelow.Count == 0
            ? []
            : await db.Users.Where(u => rolesBelow.Contains(u.RoleId)).Select(u => u.Id).ToListAsync(cancellationToken);
        var groups = await db.GroupMembers.Where(m => m.UserId == userId)
            .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { g.Id, g.Name }).ToListAsync(cancellationToken);
        var groupIds = groups.Select(g => g.Id).ToList();
        var groupGrants = await db.GroupGrants.Where(g => groupIds.Contains(g.GroupId)).ToListAsync(cancellationToken);

        // The profiles the role is built on add their grants and field rules to the role's own; the
        // engine combines them as it combines every grant (the widest scope wins, a hidden field stays hidden).
        var profiles = db.RoleProfiles.Where(rp => rp.RoleId == user.RoleId).Join(db.Profiles, rp => rp.ProfileId, p => p.Id, (rp, p) => new { p.Id, p.Name });
        var profileGrants = await profiles.Join(db.ProfileGrants, p => p.Id, g => g.ProfileId, (p, g) => new { p.Name, g.Module, g.Action, g.Scope })
            .ToListAsync(cancellationToken);
        var profileFieldRules = await profiles.Join(db.ProfileFieldRules, p => p.Id, r => r.ProfileId, (p, r) => new { p.Name, r.Module, r.Field, r.Access })
            .ToListAsync(cancellationToken);
        var subject = new PermissionSubject(user.Id, string.IsNullOrWhiteSpace(user.FullName) ? user.Email ?? "" : user.FullName)
        {
            IsAdministrator = user.IsAdministrator,
            RoleName = roles.FirstOrDefault(r => r.Id == user.RoleId)?.Name ?? "",
            DepartmentIds = ownDepartments.SelectMany(d => Descendants(d, departments.Select(x => (x.Id, x.ParentId))).Append(d)).ToHashSet(),
            SubordinateUserIds = subordinates.ToHashSet(),
            GroupIds = groupIds,
            RoleGrants = [.. await db.RoleGrants.Where(g => g.RoleId == user.RoleId)
                .Select(g => new Grant(g.Module, g.Action, g.Scope)).ToListAsync(cancellationToken), .. profileGrants.Select(g => new Grant(g.Module, g.Action, g.Scope) { Profile = g.Name })],
            GroupGrants = groupGrants.Select(g => new GroupGrant(groups.First(x => x.Id == g.GroupId).Name, g.Module, g.Action, g.Scope)).ToList(),
            Overrides = await db.PermissionOverrides.Where(o => o.UserId == userId)
                .Select(o => new Grant(o.Module, o.Action, o.Scope)).ToListAsync(cancellationToken),
            FieldRules = [.. await db.RoleFieldRules.Where(r => r.RoleId == user.RoleId)
                .Select(r => new FieldRule(r.Module, r.Field, r.Access)).ToListAsync(cancellationToken), .. profileFieldRules.Select(r => new FieldRule(r.Module, r.Field, r.Access) { Profile = r.Name })],
            OrganisationDefaults = await db.ModuleDefaults.ToDictionaryAsync(d => d.Module, d => d.Access, cancellationToken),
            RoleId = user.RoleId,
            RolesAbove = Ancestors(user.RoleId, roles.Select(r => (r.Id, r.ParentId))),
        };
        subject = subject with
        {
            RuleShares = await SharingRuleOwners.ReachingAsync(db, subject,
                departments.Select(d => (d.Id, d.ParentId)).ToList(), roles.Select(r => (r.Id, r.ParentId)).ToList(), cancellationToken),
        };
        _loaded[userId] = subject;
        if (token is { } loadedUnder)
        {
            cache.Put(userId, loadedUnder, subject);
        }

        return subject;
    }

    /// <summary>Every node above <paramref name="node"/> in a parent-linked tree, nearest first (a cycle ends the walk).</summary>
    public static HashSet<int> Ancestors(int node, IEnumerable<(int Id, int? ParentId)> nodes)
    {
        var parents = nodes.ToDictionary(n => n.Id, n => n.ParentId);
        var found = new HashSet<int>();
        var current = node;
        while (parents.TryGetValue(current, out var parent) && parent is { } above && above != node && found.Add(above))
        {
            current = above;
        }

        return found;
    }

    /// <summary>Every node below <paramref name="root"/> in a parent-linked tree (cycles are refused on save, and ignored here).</summary>
    public static HashSet<int> Descendants(int root, IEnumerable<(int Id, int? ParentId)> nodes)
    {
        var children = nodes.Where(n => n.ParentId is not null).ToLookup(n => n.ParentId!.Value, n => n.Id);
        var found = new HashSet<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            foreach (var child in children[queue.Dequeue()])
            {
                if (child != root && found.Add(child))
                {
                    queue.Enqueue(child);
                }
            }
        }

        return found;
    }
}

/// <summary>
/// What use cases ask: may this actor do this, and why. The one place an actor becomes the
/// engine's subject, so an API token's scopes are attached here and every decision, row filter
/// and field rule reached through it is narrowed to them.
/// </summary>
public sealed class Access(PermissionSubjects subjects, PermissionEngine engine)
{
    public async Task<PermissionDecision> DecideAsync(Actor actor, string module, string action, RecordFacts? record, CancellationToken cancellationToken)
    {
        if (actor.Kind == ActorKind.System)
        {
            return new PermissionDecision(true, Scope.All);
        }

        var subject = await SubjectAsync(actor, cancellationToken);
        return subject is null ? new PermissionDecision(false, Scope.None) : engine.Decide(subject, module, action, record);
    }

    public async Task<PermissionSubject?> SubjectAsync(Actor actor, CancellationToken cancellationToken)
    {
        var subject = actor.UserId is { } id ? await subjects.LoadAsync(id, cancellationToken) : null;
        // The cached subject is the user's; the token's limits ride on a copy, never into the cache.
        return subject is null || actor.TokenScopes is null
            ? subject
            : subject with { TokenScopes = actor.TokenScopes, TokenName = actor.TokenName };
    }
}
