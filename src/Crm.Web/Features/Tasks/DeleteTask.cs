using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Tasks;

public sealed record TaskDeleteImpact(int TaskId, string Title) : IDeleteImpact
{
    /// <summary>Its sub-tasks and files (and theirs), deleted with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes a task (needs delete on it) with its sub-tasks and files, in one transaction.</summary>
public sealed class DeleteTask(CrmDb db, RecordEditing editing, TaskVisibility visibility, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
    : RecordDeletion<CrmTask, TaskDeleteImpact>(db, editing, dependents, lookups, activity, new(
        CrmModules.Tasks.Key, "task", ActivityKind,
        (task, also) => new TaskDeleteImpact(task.Id, task.Title) { Also = also },
        (id, impact, also) => WithLinkedCount("task", id, impact.Title, also)) { Rights = TaskLookup.RightsOf(visibility) })
{
    public const string ActivityKind = "task-deleted";
}
