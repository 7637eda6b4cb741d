using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>What a delete confirmation shows besides the record: the records of other modules that go with it.</summary>
public interface IDeleteImpact
{
    DependentImpact Also { get; }

    /// <summary>How many other records the delete would take with it (an import's undo leaves a record that now has any).</summary>
    int TakesAlong => Also.Named.Count + Also.Hidden;
}

/// <summary>
/// A module's delete use case as the kit's API routes and confirmation page use it: what deleting
/// record <c>id</c> would take with it, and the delete itself.
/// </summary>
public interface IRecordDeletion<TImpact>
    where TImpact : class
{
    Task<Result<TImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the record and exactly the dependents the confirmation listed
    /// (<paramref name="confirmedAlso"/>; null from the API, which confirms nothing in advance).
    /// </summary>
    Task<Result<TImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken);
}

/// <summary>What deleting one record would delete: the record itself (ID and label) and what hangs on it.</summary>
public sealed record OwnedRecordDeleteImpact(int Id, string Label) : IDeleteImpact
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
/// What a module's delete says about itself: its permission module (also the key of its
/// dependents), how messages name one record (<paramref name="Noun"/>: "You may not delete task 7."),
/// the activity log's kind, the impact its pages and API show (<paramref name="Describe"/>) and the
/// activity line (<paramref name="Activity"/>: the record's ID, its impact, what went with it).
/// </summary>
public sealed record RecordDeletionRules<T, TImpact>(
    string Module, string Noun, string ActivityKind, Func<T, DependentImpact, TImpact> Describe, Func<int, TImpact, IReadOnlyCollection<RecordLink>, string> Activity)
    where T : OwnedRecord
{
    /// <summary>The module's own rights; null: the engine's on owner, department and shares.</summary>
    public RecordRights<T>? Rights { get; init; }
}

/// <summary>
/// The delete every CRM object shares: the record must be visible (else 404) and deletable (else
/// 403, see <see cref="RecordEditing.OpenForDeleteAsync{T}"/>); it goes with the records that hang on
/// it, in one transaction, only if those are what the confirmation showed and the actor could delete
/// each of them. A module's delete only states its <see cref="RecordDeletionRules{T, TImpact}"/>.
/// </summary>
public abstract class RecordDeletion<T, TImpact>(
    CrmDb db, RecordEditing editing, RecordDependents dependents, RecordLookups lookups, ActivityLog activity, RecordDeletionRules<T, TImpact> rules)
    : IRecordDeletion<TImpact>
    where T : OwnedRecord
    where TImpact : class, IDeleteImpact
{
    public async Task<Result<TImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var record = await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var opened = await editing.OpenForDeleteAsync(rules.Module, rules.Noun, rules.Rights, actor, record, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<TImpact>();
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(rules.Module, [id])], cancellationToken);
        return Result<TImpact>.Ok(rules.Describe(opened.Value, also));
    }

    public async Task<Result<TImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<TImpact>.Forbidden(RecordEditing.PreviewRefused);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        // The rule for linked records: nothing the actor could not delete themselves goes with it.
        if (impact.Value.Also.Refusal is { } refusal)
        {
            return Result<TImpact>.Forbidden(refusal);
        }

        if (!impact.Value.Also.Matches(confirmedAlso))
        {
            return Result<TImpact>.Conflict($"What the {rules.Noun} takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        // A tracked delete: the audit trail keeps the record's last state (and can restore it).
        db.Set<T>().Remove(await db.Set<T>().FirstAsync(r => r.Id == id, cancellationToken));
        activity.Record(actor, rules.ActivityKind, rules.Activity(id, impact.Value, also));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }

    /// <summary>The activity line of deletes whose linked records are counted: "Deleted task ID 7 'Call' with 2 linked records."</summary>
    protected static string WithLinkedCount(string noun, int id, string label, IReadOnlyCollection<RecordLink> also) =>
        $"Deleted {noun} ID {id} '{label}'" + (also.Count > 0 ? $" with {also.Count} linked records." : ".");
}

/// <summary>
/// Deletes one record of a module registered with <see cref="OwnedRecordDeletionSetup.AddOwnedRecordDeletion{T}"/>
/// (leads, products, deals, logged emails): everything it needs is in its <see cref="OwnedRecordDeletion{T}"/>.
/// </summary>
public sealed class DeleteOwnedRecord<T>(
    CrmDb db, RecordEditing editing, RecordDependents dependents, RecordLookups lookups, ActivityLog activity, OwnedRecordDeletion<T> deletion)
    : RecordDeletion<T, OwnedRecordDeleteImpact>(db, editing, dependents, lookups, activity, new(
        deletion.Module, deletion.Noun, deletion.ActivityKind,
        (record, also) => new OwnedRecordDeleteImpact(record.Id, deletion.Label(record)) { Also = also },
        (id, impact, _) => $"Deleted {deletion.ActivityNoun} ID {id} '{impact.Label}'."))
    where T : OwnedRecord;

public static class OwnedRecordDeletionSetup
{
    /// <summary>
    /// Registers the module's delete use case (<see cref="DeleteOwnedRecord{T}"/>) with what differs for
    /// it; its confirmation page is then the shared one at <c>/{module}/{id}/delete</c>.
    /// </summary>
    public static IServiceCollection AddOwnedRecordDeletion<T>(this IServiceCollection services, OwnedRecordDeletion<T> deletion)
        where T : OwnedRecord
    {
        services.AddSingleton(deletion);
        services.AddScoped<DeleteOwnedRecord<T>>();
        // Keyed by module for the shared confirmation page, /{module}/{id}/delete (see DeleteRecordPage).
        services.AddKeyedScoped<IRecordDeletion<OwnedRecordDeleteImpact>>(deletion.Module, (provider, _) => provider.GetRequiredService<DeleteOwnedRecord<T>>());
        return services;
    }
}
