using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Profiles;

/// <summary>Every profile by name, with the roles built on each.</summary>
public sealed class ListProfiles(CrmDb db)
{
    public async Task<Result<IReadOnlyList<ProfileRow>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<ProfileRow>>.Forbidden("Only administrators manage profiles.");
        }

        var profiles = await db.Profiles.AsNoTracking()
            .Select(p => new { p.Id, p.Name, p.Description, Grants = p.Grants.Count(g => g.Scope != Scope.None), FieldRules = p.FieldRules.Count })
            .ToListAsync(cancellationToken);
        var roles = await db.RoleProfiles.AsNoTracking().Join(db.Roles, rp => rp.RoleId, r => r.Id, (rp, r) => new { rp.ProfileId, r.Id, r.Name })
            .ToListAsync(cancellationToken);
        IReadOnlyList<ProfileRow> rows =
        [
            .. profiles.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(p => new ProfileRow(p.Id, p.Name, p.Description, p.Grants, p.FieldRules,
                [.. roles.Where(r => r.ProfileId == p.Id).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new ProfileRole(r.Id, r.Name))])),
        ];
        return Result<IReadOnlyList<ProfileRow>>.Ok(rows);
    }
}
