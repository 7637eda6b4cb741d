using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Audit;

/// <summary>
/// How long one kind of entry is kept: history entries of one entity type (<c>companies</c>,
/// <c>user</c>, …) or activity-log entries of one kind (<c>sign-in</c>, …). No row means "keep
/// forever", the default. The retention job (<see cref="PruneAuditTrail"/>) removes what is older.
/// </summary>
public sealed class RetentionPeriod
{
    public string Trail { get; set; } = "";
    public string Kind { get; set; } = "";
    public int KeepDays { get; set; }
    public DateTime ChangedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RetentionPeriod>
    {
        public void Configure(EntityTypeBuilder<RetentionPeriod> builder)
        {
            builder.ToTable("RetentionPeriods");
            builder.HasKey(r => new { r.Trail, r.Kind });
            builder.Property(r => r.Trail).HasMaxLength(20);
            builder.Property(r => r.Kind).HasMaxLength(50);
        }
    }
}

/// <summary>The two trails a retention period applies to.</summary>
public static class RetentionTrails
{
    /// <summary>History entries (the audit trail), by entity type.</summary>
    public const string History = "history";

    /// <summary>Activity-log entries, by kind.</summary>
    public const string Activity = "activity";
}

/// <summary>
/// The anchor left where the retention job removed entries from the audit trail: the removed
/// range of places in the chain (<see cref="AuditSeal.Seq"/>) and the hash of its last entry, so
/// verification resumes at the first kept entry
/// after it. Written only by the retention job, in the transaction that removes the entries, and
/// vouched for by that job's own "pruned" entry (whose changes carry a digest of its anchors).
/// Append-only like the trail (triggers in the migration).
/// </summary>
public sealed class AuditGap
{
    public long Id { get; set; }
    public long FromSeq { get; set; }
    public long ToSeq { get; set; }

    /// <summary>The hash of the entry at place <see cref="ToSeq"/>, the predecessor of the first kept entry after the gap.</summary>
    public string LastHash { get; set; } = "";

    /// <summary>The "pruned" entry of the run that left this anchor.</summary>
    public long PrunedByEntryId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AuditGap>
    {
        public void Configure(EntityTypeBuilder<AuditGap> builder)
        {
            builder.ToTable("AuditGaps");
            builder.Property(g => g.LastHash).HasMaxLength(64);
            builder.HasIndex(g => g.ToSeq);
            builder.HasIndex(g => g.PrunedByEntryId);
        }
    }
}

/// <summary>
/// The narrow exception to the append-only triggers of the audit trail and the activity log: while
/// a row here says so, the DELETE trigger of its <see cref="Trail"/> (AuditEntries for "history",
/// ActivityLog for "activity") lets through entries of <see cref="Kind"/> older than
/// <see cref="Before"/>, and nothing else. Only the retention job writes it, and it inserts and removes the row inside its
/// own transaction, so no other connection ever sees it (on PostgreSQL a deferred constraint
/// trigger even refuses to commit a row that is still there).
/// </summary>
public sealed class AuditRetentionGuard
{
    public const int TheId = 1;

    public int Id { get; set; } = TheId;

    /// <summary>Which trail the guard opens: <see cref="RetentionTrails.History"/> or <see cref="RetentionTrails.Activity"/>.</summary>
    public string Trail { get; set; } = "";

    public string Kind { get; set; } = "";
    public DateTime Before { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AuditRetentionGuard>
    {
        public void Configure(EntityTypeBuilder<AuditRetentionGuard> builder)
        {
            builder.ToTable("AuditRetentionGuard");
            builder.Property(g => g.Id).ValueGeneratedNever();
            builder.Property(g => g.Trail).HasMaxLength(20);
            builder.Property(g => g.Kind).HasMaxLength(50);
        }
    }
}
