using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Departments;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Records;

/// <summary>
/// What every CRM object has (seed 002): an integer ID shown as "ID 123", an owner, the owner's
/// department, who created and last changed it and when, and a version for optimistic
/// concurrency. Companies, contacts, leads, deals, tasks, memos, logged emails and files derive
/// from it; the permission engine's row filter and the audit trail rely on these columns.
/// </summary>
public abstract class OwnedRecord : IOwnedRecord
{
    public int Id { get; set; }

    public Guid OwnerId { get; set; }

    /// <summary>The owner's primary department when the owner was set; none if they had none.</summary>
    public int? DepartmentId { get; set; }

    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTime ModifiedAt { get; set; }
    public Guid? ModifiedById { get; set; }

    /// <summary>Incremented on every change; a save quoting an older value lost a race and is refused.</summary>
    public int Version { get; set; }

    /// <summary>How the record is named in lists, search results and history (not stored).</summary>
    public abstract string Label { get; }

    // The engine knows no "no department"; 0 matches no real department. Row filters map this
    // member back to the nullable column (OwnedRecordFilter), so SQL still uses its index.
    int IOwnedRecord.DepartmentId => DepartmentId ?? 0;

    /// <summary>Stamps a new record: version 1, created and modified by the actor now.</summary>
    public void StampCreated(Actor actor, DateTime now)
    {
        CreatedAt = now;
        CreatedById = actor.UserId;
        ModifiedAt = now;
        ModifiedById = actor.UserId;
        Version = 1;
    }

    /// <summary>
    /// Stamps a change of a tracked record made from <paramref name="versionRead"/>: the UPDATE
    /// then only succeeds while the row still holds that version, so a concurrent save is refused
    /// (<see cref="DbUpdateConcurrencyException"/>) instead of being overwritten.
    /// </summary>
    public void StampModified(CrmDb db, Actor actor, DateTime now, int versionRead)
    {
        db.Entry(this).Property(nameof(Version)).OriginalValue = versionRead;
        Version = versionRead + 1;
        ModifiedAt = now;
        ModifiedById = actor.UserId;
    }

    /// <summary>
    /// Refuses an edit made from another version than this record's, before anything is validated:
    /// a missing version is a field error (the caller must say what it read), an older one is a
    /// conflict with <paramref name="changedBySomeoneElse"/>. Null when the edit may go on.
    /// </summary>
    public Result<TResult>? RefuseVersion<TResult>(int? versionRead, string changedBySomeoneElse)
    {
        if (versionRead is null)
        {
            return Result<TResult>.Invalid("version", "The version you read is required, so that nobody's changes are overwritten.");
        }

        return versionRead != Version ? Result<TResult>.Conflict(changedBySomeoneElse) : null;
    }

    /// <summary>
    /// Checks the owner a save gives (<c>ownerId</c>): one must be chosen, and a new owner (or the
    /// owner of a new record) must be one the actor may hand records to. Returns whether the owner
    /// changes, which <see cref="StampSavedAsync{T}"/> needs.
    /// </summary>
    public static async Task<bool> CheckOwnerAsync(CrmDb db, Actor actor, FieldErrors errors, Guid? owner, OwnedRecord? record, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            errors.Add("ownerId", "Choose the owner.");
        }

        var ownerChanges = owner != (record?.OwnerId ?? actor.UserId);
        if (owner is not null && (ownerChanges || record is null) && await Owners.ReceiverProblemAsync(db, actor, owner.Value, cancellationToken) is { } problem)
        {
            errors.Add("ownerId", problem);
        }

        return ownerChanges;
    }

    /// <summary>
    /// The end of every valid save: a new record is stamped as created and added, a changed one is
    /// stamped from <paramref name="versionRead"/> (so a concurrent save makes SaveChanges fail, see
    /// <see cref="StampModified"/>); a new record or a changed owner takes the owner's department.
    /// Returns the record to copy the fields onto.
    /// </summary>
    public static async Task<T> StampSavedAsync<T>(
        CrmDb db, Actor actor, DateTime now, T? record, int? versionRead, Guid owner, bool ownerChanges, CancellationToken cancellationToken)
        where T : OwnedRecord, new()
    {
        if (record is null)
        {
            record = new T();
            record.StampCreated(actor, now);
            db.Set<T>().Add(record);
        }
        else
        {
            record.StampModified(db, actor, now, versionRead!.Value);
        }

        if (ownerChanges || record.Id == 0)
        {
            record.OwnerId = owner;
            record.DepartmentId = await Owners.DepartmentOfAsync(db, owner, cancellationToken);
        }

        return record;
    }

    /// <summary>
    /// Saves a change stamped with <see cref="StampModified"/>; false when another save came first (nothing saved).
    /// A new record of an import that stages its creates is staged instead, written with the run's next flush (<see cref="StagedCreates"/>).
    /// </summary>
    public static async Task<bool> SaveVersionedAsync(CrmDb db, CancellationToken cancellationToken)
    {
        try
        {
            if (await StagedCreates.TryStageAsync(db, cancellationToken))
            {
                return true;
            }

            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>
    /// The mapping every owned record shares: the version as concurrency token, the owner (a user
    /// cannot be removed while owning records), the department (cleared when it is removed), and
    /// indexes on owner and department, which every scoped list filters on.
    /// </summary>
    public static void ConfigureOwnership<T>(EntityTypeBuilder<T> builder)
        where T : OwnedRecord
    {
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Department>().WithMany().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(r => r.OwnerId);
        builder.HasIndex(r => r.DepartmentId);
    }
}
