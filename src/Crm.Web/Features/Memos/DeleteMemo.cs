using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

public sealed record MemoDeleteImpact(int MemoId, string Title)
{
    /// <summary>The memo's tasks and files (and theirs), deleted with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes a memo (needs delete: the author loses it once the memo is reviewed) with its tasks and files, in one transaction.</summary>
public sealed class DeleteMemo(CrmDb db, MemoVisibility visibility, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "memo-deleted";

    public async Task<Result<MemoDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var memo = await db.Memos.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (memo is null || await visibility.RightsAsync(actor, memo, cancellationToken) is not { } rights)
        {
            return Result<MemoDeleteImpact>.NotFound();
        }

        if (!rights.Delete)
        {
            return Result<MemoDeleteImpact>.Forbidden(memo.Stage == MemoStage.Reviewed && memo.AuthorId == actor.UserId ? SaveMemo.Locked : $"You may not delete memo {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(CrmModules.Memos.Key, [id])], cancellationToken);
        return Result<MemoDeleteImpact>.Ok(new MemoDeleteImpact(memo.Id, memo.Title) { Also = also });
    }

    public async Task<Result<MemoDeleteImpact>> RunAsync(Actor actor, int id, CancellationToken cancellationToken, IReadOnlyCollection<string>? confirmedAlso = null)
    {
        if (actor.IsPreview)
        {
            return Result<MemoDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
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
                return Result<MemoDeleteImpact>.Forbidden(refusal);
            }

            if (!impact.Value!.Also.Matches(confirmedAlso))
            {
                return Result<MemoDeleteImpact>.Conflict("What the memo takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
            }

            var also = impact.Value!.Also.All;
            await dependents.RemoveAsync(also, cancellationToken);
            db.Memos.Remove(await db.Memos.FirstAsync(m => m.Id == id, cancellationToken));
            activity.Record(actor, ActivityKind, $"Deleted memo ID {id} '{impact.Value.Title}'" + (also.Count > 0 ? $" with {also.Count} linked records." : "."));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await dependents.AfterCommitAsync(cancellationToken);
            return impact;
        }
    }
}
