using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Records;

/// <summary>What deleting one record would delete: the record itself (ID and label) and what hangs on it.</summary>
public sealed record OwnedRecordDeleteImpact(int Id, string Label)
{
    /// <summary>Records of other modules that hang on this one and go with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>
/// What differs between the modules whose delete is plain "view, then delete right, then the
/// record with its dependents": the permission module, how messages name one record
/// (<paramref name="Noun"/>, e.g. "email") and how the activity log does
/// (<paramref name="ActivityNoun"/>, e.g. "logged email"), and the label shown on the confirmation.
/// </summary>
public sealed record OwnedRecordDeletion<T>(string Module, string Noun, string ActivityKind, string ActivityNoun, Func<T, string> Label)
    where T : OwnedRecord;

/// <summary>
/// Deletes one record of a module registered with <see cref="OwnedRecordDeletionSetup.AddOwnedRecordDeletion{T}"/>
/// (needs view, else 404, and delete, else 403) with the records that hang on it, in one transaction.
/// Modules whose rights depend on more than owner and shares (tasks, memos, files) keep their own use case.
/// </summary>
public sealed class DeleteOwnedRecord<T>(
    CrmDb db, RecordAccess access, RecordDependents dependents, RecordLookups lookups, ActivityLog activity, OwnedRecordDeletion<T> deletion)
    where T : OwnedRecord
{
    public async Task<Result<OwnedRecordDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var record = await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (record is null)
        {
            return Result<OwnedRecordDeleteImpact>.NotFound();
        }

        var module = deletion.Module;
        var facts = await access.FactsAsync(module, record.Id, record.OwnerId, record.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<OwnedRecordDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed)
        {
            return Result<OwnedRecordDeleteImpact>.Forbidden($"You may not delete {deletion.Noun} {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id])], cancellationToken);
        return Result<OwnedRecordDeleteImpact>.Ok(new OwnedRecordDeleteImpact(record.Id, deletion.Label(record)) { Also = also });
    }

    /// <summary>
    /// Deletes the record and exactly the dependents the confirmation listed
    /// (<paramref name="confirmedAlso"/>; null from the API, which confirms nothing in advance).
    /// </summary>
    public async Task<Result<OwnedRecordDeleteImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<OwnedRecordDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        // The rule for linked records: nothing the actor could not delete themselves goes with it.
        if (impact.Value!.Also.Refusal is { } refusal)
        {
            return Result<OwnedRecordDeleteImpact>.Forbidden(refusal);
        }

        if (!impact.Value!.Also.Matches(confirmedAlso))
        {
            return Result<OwnedRecordDeleteImpact>.Conflict($"What the {deletion.Noun} takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value!.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        db.Set<T>().Remove(await db.Set<T>().FirstAsync(r => r.Id == id, cancellationToken));
        activity.Record(actor, deletion.ActivityKind, $"Deleted {deletion.ActivityNoun} ID {id} '{impact.Value.Label}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }
}

public static class OwnedRecordDeletionSetup
{
    /// <summary>Registers the module's delete use case (<see cref="DeleteOwnedRecord{T}"/>) with what differs for it.</summary>
    public static IServiceCollection AddOwnedRecordDeletion<T>(this IServiceCollection services, OwnedRecordDeletion<T> deletion)
        where T : OwnedRecord
    {
        services.AddSingleton(deletion);
        services.AddScoped<DeleteOwnedRecord<T>>();
        return services;
    }
}
