using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

public sealed record TaskDeleteImpact(int TaskId, string Title)
{
    /// <summary>Its sub-tasks and files (and theirs), deleted with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes a task (needs delete on it) with its sub-tasks and files, in one transaction.</summary>
public sealed class DeleteTask(CrmDb db, TaskVisibility visibility, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "task-deleted";

    public async Task<Result<TaskDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null || await visibility.RightsAsync(actor, task, cancellationToken) is not { } rights)
        {
            return Result<TaskDeleteImpact>.NotFound();
        }

        if (!rights.Delete)
        {
            return Result<TaskDeleteImpact>.Forbidden($"You may not delete task {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(CrmModules.Tasks.Key, [id])], cancellationToken);
        return Result<TaskDeleteImpact>.Ok(new TaskDeleteImpact(task.Id, task.Title) { Also = also });
    }

    public async Task<Result<TaskDeleteImpact>> RunAsync(Actor actor, int id, CancellationToken cancellationToken, IReadOnlyCollection<string>? confirmedAlso = null)
    {
        if (actor.IsPreview)
        {
            return Result<TaskDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var impact = await ImpactAsync(actor, id, cancellationToken);
            if (!impact.IsOk)
            {
                return impact;
            }

            // The rule for linked records: nothing the actor could not delete themselves goes with it.
            if (impact.Value!.Also.Refusal is { } refusal)
            {
                return Result<TaskDeleteImpact>.Forbidden(refusal);
            }

            if (!impact.Value!.Also.Matches(confirmedAlso))
            {
                return Result<TaskDeleteImpact>.Conflict("What the task takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
            }

            var also = impact.Value!.Also.All;
            await dependents.RemoveAsync(also, cancellationToken);
            db.Tasks.Remove(await db.Tasks.FirstAsync(t => t.Id == id, cancellationToken));
            activity.Record(actor, ActivityKind, $"Deleted task ID {id} '{impact.Value.Title}'" + (also.Count > 0 ? $" with {also.Count} linked records." : "."));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await dependents.AfterCommitAsync(cancellationToken);
            return impact;
        }
    }
}
