using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Audit;

/// <summary>
/// One line of the audit trail: who did what to which entity, when and from where, with the
/// changed fields (old and new values; for a delete the last full state). Append-only: the
/// database refuses UPDATE and DELETE (triggers in the migration), and every entry is chained to
/// the previous one by <see cref="Hash"/> (ADR 0006).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The position in the chain: assigned as last + 1 while holding the chain lock, never by the database.</summary>
    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>user, api-token, automation, system or anonymous (<see cref="AuditActorKinds"/>).</summary>
    public string ActorKind { get; set; } = "";

    public Guid? ActorUserId { get; set; }
    public string ActorName { get; set; } = "";
    public string? ApiTokenName { get; set; }

    /// <summary>The administrator previewing as the actor, if the change happened in a preview.</summary>
    public Guid? PreviewedById { get; set; }

    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestId { get; set; }

    /// <summary>The module key for CRM records (<c>companies</c>), else a stable name (<c>user</c>, <c>role</c>, ...).</summary>
    public string EntityType { get; set; } = "";

    /// <summary>The entity's key as text (composite keys joined by a comma).</summary>
    public string EntityId { get; set; } = "";

    /// <summary>How the entity was named at that moment.</summary>
    public string Label { get; set; } = "";

    public string Action { get; set; } = "";

    /// <summary>JSON: field → { "old": ..., "new": ... }. Secrets appear as "(changed)" only.</summary>
    public string Changes { get; set; } = "{}";

    /// <summary>SHA-256 of <see cref="Changes"/> as written; the hash covers this digest, so values can be redacted later.</summary>
    public string ChangesDigest { get; set; } = "";

    /// <summary>SHA-256 over the previous entry's hash, this entry's fields and <see cref="ChangesDigest"/>.</summary>
    public string Hash { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<AuditEntry>
    {
        public void Configure(EntityTypeBuilder<AuditEntry> builder)
        {
            builder.ToTable("AuditEntries");
            builder.Property(e => e.Id).ValueGeneratedNever();
            builder.Property(e => e.ActorKind).HasMaxLength(20);
            builder.Property(e => e.ActorName).HasMaxLength(200);
            builder.Property(e => e.ApiTokenName).HasMaxLength(100);
            builder.Property(e => e.IpAddress).HasMaxLength(64);
            builder.Property(e => e.UserAgent).HasMaxLength(512);
            builder.Property(e => e.RequestId).HasMaxLength(100);
            builder.Property(e => e.EntityType).HasMaxLength(50);
            builder.Property(e => e.EntityId).HasMaxLength(100);
            builder.Property(e => e.Label).HasMaxLength(300);
            builder.Property(e => e.Action).HasMaxLength(30);
            builder.Property(e => e.ChangesDigest).HasMaxLength(64);
            builder.Property(e => e.Hash).HasMaxLength(64);
            // History of one record, newest first, keyset-paged: one index range scan.
            builder.HasIndex(e => new { e.EntityType, e.EntityId, e.Id });
            builder.HasIndex(e => new { e.Action, e.Id });
            builder.HasIndex(e => new { e.ActorUserId, e.Id });
            builder.HasIndex(e => e.At);
        }
    }
}

public static class AuditActorKinds
{
    public const string User = "user";
    public const string ApiToken = "api-token";
    public const string Automation = "automation";
    public const string System = "system";
    public const string Anonymous = "anonymous";
}

public static class AuditActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string Restored = "restored";
    public const string Transferred = "transferred";
    public const string Exported = "exported";
}
