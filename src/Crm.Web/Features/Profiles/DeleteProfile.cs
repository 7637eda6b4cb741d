using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Profiles;

/// <summary>Deletes a profile no role is built on; while roles use it, deleting is refused and says which.</summary>
public sealed class DeleteProfile(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, int profileId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage profiles.");
        }

        var profile = await db.Profiles.FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null)
        {
            return Result.NotFound();
        }

        var roles = await db.RoleProfiles.Where(rp => rp.ProfileId == profileId).Join(db.Roles, rp => rp.RoleId, r => r.Id, (rp, r) => r.Name)
            .OrderBy(n => n).ToListAsync(cancellationToken);
        if (roles.Count > 0)
        {
            return Result.Conflict($"Profile {profile.Name} cannot be deleted: role{(roles.Count == 1 ? "" : "s")} {string.Join(", ", roles)} {(roles.Count == 1 ? "is" : "are")} built on it. Take it off {(roles.Count == 1 ? "that role" : "those roles")} first.");
        }

        db.Profiles.Remove(profile);
        activity.Record(actor, ActivityKinds.RoleChanged, $"Deleted profile {profile.Name}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
