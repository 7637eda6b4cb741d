using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>
/// The "open tasks" option of a company transfer: the open tasks (open or in progress) related to
/// the companies move to the new owner with the companies. Closed tasks keep their owner: they
/// record who did the work. Tracked changes, so the history sees every one.
/// </summary>
public static class TaskTransfer
{
    /// <summary>The open tasks about these companies that a transfer to <paramref name="receiverId"/> would move.</summary>
    public static IQueryable<CrmTask> OpenTasksOfCompanies(CrmDb db, IReadOnlyCollection<int> companyIds, Guid receiverId)
    {
        var ids = companyIds.ToList();
        var company = CrmModules.Companies.Key;
        return db.Tasks.Where(t => t.RelatedModule == company && t.RelatedId != null && ids.Contains(t.RelatedId.Value)
            && (t.Status == TaskState.Open || t.Status == TaskState.InProgress) && t.OwnerId != receiverId);
    }

    /// <summary>Moves these tasks and saves within the caller's transaction; returns how many moved.</summary>
    public static async Task<int> MoveAsync(
        CrmDb db, IReadOnlyCollection<int> taskIds, Guid receiverId, DateTime now, Guid? byUserId, CancellationToken cancellationToken)
    {
        var ids = taskIds.ToList();
        var tasks = ids.Count == 0 ? [] : await db.Tasks.Where(t => ids.Contains(t.Id)).ToListAsync(cancellationToken);
        if (tasks.Count == 0)
        {
            return 0;
        }

        var department = await Owners.DepartmentOfAsync(db, receiverId, cancellationToken);
        foreach (var task in tasks)
        {
            OwnerMoves.Stamp(task, receiverId, department, now, byUserId);
        }

        await db.SaveChangesAsync(cancellationToken);
        return tasks.Count;
    }
}
