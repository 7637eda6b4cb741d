using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Groups;

/// <summary>One group with its members.</summary>
public sealed class ReadGroup(CrmDb db)
{
    public async Task<Result<GroupView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<GroupView>.Forbidden(GroupMessages.AdministratorsOnly);
        }

        var group = await LoadAsync(db, id, cancellationToken);
        return group is null ? Result<GroupView>.NotFound() : Result<GroupView>.Ok(group);
    }

    internal static async Task<GroupView?> LoadAsync(CrmDb db, int id, CancellationToken cancellationToken)
    {
        var group = await db.Groups.Where(g => g.Id == id)
            .Select(g => new { g.Id, g.Name, g.Description, GrantCount = g.Grants.Count })
            .FirstOrDefaultAsync(cancellationToken);
        if (group is null)
        {
            return null;
        }

        var members = await db.GroupMembers.Where(m => m.GroupId == id)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new GroupMemberView(u.Id, u.FullName, u.Email ?? "", u.IsActive))
            .ToListAsync(cancellationToken);
        return new GroupView(group.Id, group.Name, group.Description, SortedByName(members), group.GrantCount);
    }

    internal static List<GroupMemberView> SortedByName(IEnumerable<GroupMemberView> people) =>
        people.OrderBy(p => p.FullName, StringComparer.CurrentCultureIgnoreCase).ThenBy(p => p.Email, StringComparer.OrdinalIgnoreCase).ToList();
}
