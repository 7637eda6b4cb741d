using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

public sealed record FileDeleteImpact(int FileId, string Name, string RelatedUrl) : IDeleteImpact
{
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>
/// Deletes one file object (needs delete on it). The stored content goes only with its last
/// reference: its row in the same transaction, its bytes right after the commit.
/// </summary>
public sealed class DeleteFile(CrmDb db, FileVisibility visibility, RecordAccess access, RecordDependents dependents, RecordLookups lookups,
    FileReleases releases, ActivityLog activity) : IRecordDeletion<FileDeleteImpact>
{
    public const string ActivityKind = "file-deleted";

    public async Task<Result<FileDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var file = await db.FileObjects.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (file is null || await visibility.ViewableAsync(actor, file, cancellationToken) is not { } seen)
        {
            return Result<FileDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, CrmModules.Files.Key, PermissionAction.Delete, seen.Facts, cancellationToken)).Allowed)
        {
            return Result<FileDeleteImpact>.Forbidden($"You may not delete file {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(CrmModules.Files.Key, [id])], cancellationToken);
        return Result<FileDeleteImpact>.Ok(new FileDeleteImpact(file.Id, file.Name, seen.Related.Url) { Also = also });
    }

    public async Task<Result<FileDeleteImpact>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<FileDeleteImpact>.Forbidden(RecordEditing.PreviewRefused);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var impact = await ImpactAsync(actor, id, cancellationToken);
            if (!impact.IsOk)
            {
                return impact;
            }

            // The rule for linked records: nothing the actor could not delete themselves goes with it.
            if (impact.Value.Also.Refusal is { } refusal)
            {
                return Result<FileDeleteImpact>.Forbidden(refusal);
            }

            var file = await db.FileObjects.FirstAsync(f => f.Id == id, cancellationToken);
            releases.Add(await FileReferences.RemoveAsync(db, [file], cancellationToken));
            activity.Record(actor, ActivityKind, $"Deleted file ID {id} '{file.Name}' of {file.RelatedModule} ID {file.RelatedId}.");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await releases.AfterCommitAsync(cancellationToken);
            return impact;
        }
    }

    /// <summary>A file's delete takes nothing with it that a confirmation would have to list, so there is nothing to confirm.</summary>
    Task<Result<FileDeleteImpact>> IRecordDeletion<FileDeleteImpact>.RunAsync(
        Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken) =>
        RunAsync(actor, id, cancellationToken);
}
