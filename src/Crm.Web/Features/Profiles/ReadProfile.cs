using Crm.Web.Data;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Profiles;

/// <summary>One profile with its grants, field rules and the roles built on it.</summary>
public sealed class ReadProfile(CrmDb db)
{
    public async Task<Result<ProfileDetails>> RunAsync(Actor actor, int profileId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<ProfileDetails>.Forbidden("Only administrators manage profiles.");
        }

        var profile = await db.Profiles.AsNoTracking().Include(p => p.Grants).Include(p => p.FieldRules)
            .FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null)
        {
            return Result<ProfileDetails>.NotFound();
        }

        var roles = await db.RoleProfiles.AsNoTracking().Where(rp => rp.ProfileId == profileId)
            .Join(db.Roles, rp => rp.RoleId, r => r.Id, (rp, r) => new ProfileRole(r.Id, r.Name)).ToListAsync(cancellationToken);
        var roleIds = roles.Select(r => r.Id).ToList();
        var users = await db.Users.CountAsync(u => roleIds.Contains(u.RoleId), cancellationToken);
        return Result<ProfileDetails>.Ok(new ProfileDetails(profile.Id, profile.Name, profile.Description,
            [.. profile.Grants.Select(g => new GrantInput(g.Module, g.Action, g.Scope))],
            [.. profile.FieldRules.Select(f => new FieldRuleInput(f.Module, f.Field, f.Access))],
            [.. roles.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)], users));
    }
}
