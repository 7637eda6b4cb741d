using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>A role in the hierarchy; <paramref name="MaxExportRows"/> is its export row limit (null: none), as the role's own read gives it.</summary>
public sealed record RoleRow(int Id, string Name, string? Description, int? ParentId, int Depth, int Users, int Grants, int? MaxExportRows)
{
    /// <summary>The names of the profiles the role is built on (<see cref="Grants"/> counts only its own).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];
}

/// <summary>The role hierarchy, top-down, each role under the one it reports to.</summary>
public sealed class ListRoles(CrmDb db)
{
    public async Task<Result<IReadOnlyList<RoleRow>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<RoleRow>>.Forbidden("Only administrators manage roles.");
        }

        var roles = await db.Roles.AsNoTracking().Select(r => new
        {
            r.Id, r.Name, r.Description, r.ParentId, r.MaxExportRows,
            Users = db.Users.Count(u => u.RoleId == r.Id),
            Grants = r.Grants.Count(g => g.Scope != Scope.None),
        }).ToListAsync(cancellationToken);

        var profiles = await db.RoleProfiles.AsNoTracking().Join(db.Profiles, rp => rp.ProfileId, p => p.Id, (rp, p) => new { rp.RoleId, p.Name })
            .ToListAsync(cancellationToken);
        var rows = new List<RoleRow>();
        void Walk(int? parent, int depth)
        {
            foreach (var role in roles.Where(r => r.ParentId == parent).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase))
            {
                rows.Add(new RoleRow(role.Id, role.Name, role.Description, role.ParentId, depth, role.Users, role.Grants, role.MaxExportRows)
                {
                    Profiles = [.. profiles.Where(p => p.RoleId == role.Id).Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase)],
                });
                Walk(role.Id, depth + 1);
            }
        }

        Walk(null, 0);
        return Result<IReadOnlyList<RoleRow>>.Ok(rows);
    }
}
