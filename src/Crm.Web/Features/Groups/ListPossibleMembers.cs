using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Groups;

/// <summary>
/// The people a group's form offers: every active user, plus current members who were
/// deactivated since, so saving the form does not silently drop them.
/// </summary>
public sealed class ListPossibleMembers(CrmDb db)
{
    public async Task<Result<IReadOnlyList<GroupMemberView>>> RunAsync(Actor actor, int? groupId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<GroupMemberView>>.Forbidden(GroupMessages.AdministratorsOnly);
        }

        var people = await db.Users
            .Where(u => u.IsActive || (groupId != null && db.GroupMembers.Any(m => m.GroupId == groupId && m.UserId == u.Id)))
            .Select(u => new GroupMemberView(u.Id, u.FullName, u.Email ?? "", u.IsActive))
            .ToListAsync(cancellationToken);
        return Result<IReadOnlyList<GroupMemberView>>.Ok(ReadGroup.SortedByName(people));
    }
}
