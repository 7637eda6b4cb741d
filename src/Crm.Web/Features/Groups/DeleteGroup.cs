using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Groups;

/// <summary>
/// Deletes a group; the database removes its memberships, grants and shares with it (cascade),
/// so its members simply stop receiving what the group gave them.
/// </summary>
public sealed class DeleteGroup(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result.Forbidden(GroupMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(GroupMessages.NotInPreview);
        }

        var group = await db.Groups.Where(g => g.Id == id)
            .Select(g => new { Group = g, Members = g.Members.Count, Grants = g.Grants.Count })
            .FirstOrDefaultAsync(cancellationToken);
        if (group is null)
        {
            return Result.NotFound();
        }

        db.Groups.Remove(group.Group);
        activity.Record(actor, ActivityKinds.GroupChanged,
            $"Deleted group '{group.Group.Name}' with {SaveGroup.Members(group.Members)} and {(group.Grants == 1 ? "1 grant" : $"{group.Grants} grants")}.");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
