using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Departments;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Records;

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
