using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Groups;

/// <summary>Every group by name, with how many members and grants it has.</summary>
public sealed class ListGroups(CrmDb db)
{
    public async Task<Result<IReadOnlyList<GroupSummary>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<GroupSummary>>.Forbidden(GroupMessages.AdministratorsOnly);
        }

        var groups = await db.Groups
            .Select(g => new GroupSummary(g.Id, g.Name, g.Description, g.Members.Count, g.Grants.Count))
            .ToListAsync(cancellationToken);
        // Sorted here so case is ignored the same way on every provider.
        return Result<IReadOnlyList<GroupSummary>>.Ok(groups.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Id).ToList());
    }
}
