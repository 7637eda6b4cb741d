using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>Tasks in the global search and as link targets, by title.</summary>
public sealed class TaskLookup(CrmDb db, RecordAccess access, TaskVisibility visibility) : OwnedRecordLookup<CrmTask>(db, access, CrmModules.Tasks)
{
    protected override Expression<Func<CrmTask, string>> Label => t => t.Title;

    protected override Task<Expression<Func<CrmTask, bool>>> VisibleAsync(Actor actor, CancellationToken cancellationToken) =>
        visibility.RowFilterAsync(actor, cancellationToken);

    protected override Expression<Func<CrmTask, bool>> Matches(string lowerTerm) => CrmTask.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } = [new("parentId", CrmModules.Tasks.Key), new("relatedId", null, "relatedModule")];

    /// <summary>A task's rights come with its rule (a responsible user may edit it), so each is decided as its own page decides it.</summary>
    protected override RecordRights<CrmTask> Rights { get; } = RightsOf(visibility);

    /// <summary>What the actor may do with a task: the engine's answer widened by the responsible users' rule (<see cref="TaskVisibility"/>).</summary>
    public static RecordRights<CrmTask> RightsOf(TaskVisibility visibility) => async (actor, task, action, cancellationToken) =>
        RecordDecision.Of(await visibility.RightsAsync(actor, task, cancellationToken), rights => action switch
        {
            PermissionAction.View => true,
            PermissionAction.Edit => rights.Edit,
            PermissionAction.Delete => rights.Delete,
            _ => false,
        });
}

/// <summary>
/// Tasks hang on their parent task and on their related record (any module): deleting either
/// lists them on its confirmation and deletes them (and, transitively, their sub-tasks and files).
/// </summary>
public sealed class TaskDependents(CrmDb db) : IRecordDependents
{
    public string ModuleKey => CrmModules.Tasks.Key;

    public async Task<IReadOnlyList<RecordLink>> OfAsync(string parentModule, IReadOnlyCollection<int> parentIds, CancellationToken cancellationToken)
    {
        var ids = parentIds.ToList();
        var query = parentModule == ModuleKey
            ? db.Tasks.Where(t => (t.ParentId != null && ids.Contains(t.ParentId.Value)) || (t.RelatedModule == parentModule && t.RelatedId != null && ids.Contains(t.RelatedId.Value)))
            : db.Tasks.Where(t => t.RelatedModule == parentModule && t.RelatedId != null && ids.Contains(t.RelatedId.Value));
        var rows = await query.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.Title }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RecordLink(ModuleKey, r.Id, r.Title, $"/tasks/{r.Id}"))];
    }

    public async Task RemoveAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        await RemoveTreeAsync(db, await db.Tasks.Where(t => list.Contains(t.Id)).ToListAsync(cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Removes tracked tasks children first: a sub-task's row refers to its parent, so the parent's
    /// delete must come after, and each level is saved before the next (within the caller's transaction).
    /// </summary>
    public static async Task RemoveTreeAsync(CrmDb db, IReadOnlyList<CrmTask> tasks, CancellationToken cancellationToken)
    {
        var left = tasks.ToList();
        while (left.Count > 0)
        {
            var ids = left.Select(t => t.Id).ToHashSet();
            var leaves = left.Where(t => !left.Any(c => c.ParentId == t.Id)).ToList();
            if (leaves.Count == 0)
            {
                leaves = left;
            }

            db.Tasks.RemoveRange(leaves);
            await db.SaveChangesAsync(cancellationToken);
            left = [.. left.Except(leaves)];
        }
    }
}
