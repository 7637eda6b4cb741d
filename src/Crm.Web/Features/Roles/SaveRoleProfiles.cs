using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Profiles;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>
/// Chooses the profiles a role is built on (ADR 0043): its holders get the grants and field rules
/// of every one of them on top of the role's own. The change is in the activity log, in the same
/// transaction.
/// </summary>
public sealed class SaveRoleProfiles(CrmDb db, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What building the role on these profiles would change for whom, without saving it (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, int roleId, IReadOnlyList<int> profileIds, CancellationToken cancellationToken)
    {
        var name = await db.Roles.Where(r => r.Id == roleId).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"profiles of role {name}", (inside, ct) => inside.GetRequiredService<SaveRoleProfiles>().RunAsync(actor, roleId, profileIds, ct), cancellationToken);
    }

    public async Task<Result> RunAsync(Actor actor, int roleId, IReadOnlyList<int> profileIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileIds);
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage roles.");
        }

        var role = await db.Roles.FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return Result.NotFound();
        }

        var wanted = profileIds.Distinct().ToList();
        var profiles = await db.Profiles.Where(p => wanted.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken);
        var unknown = wanted.Where(id => profiles.All(p => p.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            return Result.Invalid("profileIds", $"No profile has the ID {string.Join(", ", unknown)}: choose among the existing profiles.");
        }

        var current = await db.RoleProfiles.Where(rp => rp.RoleId == roleId).ToListAsync(cancellationToken);
        db.RoleProfiles.RemoveRange(current.Where(rp => !wanted.Contains(rp.ProfileId)));
        db.RoleProfiles.AddRange(wanted.Where(id => current.All(rp => rp.ProfileId != id)).Select(id => new RoleProfile { RoleId = roleId, ProfileId = id }));
        var before = current.Select(rp => rp.ProfileId).Order().ToList();
        if (!before.SequenceEqual(wanted.Order()))
        {
            var names = profiles.Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            activity.Record(actor, ActivityKinds.PermissionChanged,
                $"Role {role.Name}: built on {(names.Count == 0 ? "no profile" : "profile(s) " + string.Join(", ", names))}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
