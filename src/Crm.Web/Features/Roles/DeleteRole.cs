using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>Deletes a role nobody holds and no role reports to; the built-in Administrator role stays.</summary>
public sealed class DeleteRole(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, int roleId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage roles.");
        }

        var role = await db.Roles.FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return Result.NotFound();
        }

        if (role.Id == DefaultRoles.AdministratorRoleId)
        {
            return Result.Conflict("The built-in Administrator role cannot be deleted.");
        }

        var holders = await db.Users.CountAsync(u => u.RoleId == roleId, cancellationToken);
        if (holders > 0)
        {
            return Result.Conflict($"{holders} user(s) hold this role: give them another role first.");
        }

        if (await db.Roles.AnyAsync(r => r.ParentId == roleId, cancellationToken))
        {
            return Result.Conflict("Other roles report to this one: move them first.");
        }

        db.Roles.Remove(role);
        activity.Record(actor, ActivityKinds.RoleChanged, $"Deleted role {role.Name}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
