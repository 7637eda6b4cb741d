using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Audit;

/// <summary>
/// One link of the hash chain (ADR 0009, ADR 0012): the place <see cref="Seq"/> the sealer gave
/// the entry <see cref="EntryId"/>, and the hash over the previous link's hash, that place and the
/// entry. A row of its own, not two columns of the entry, so that sealing appends a narrow row
/// instead of rewriting the wide entry and every index over it. Append-only (triggers in the
/// migration); the retention job removes a seal together with its entry, under the same guard.
/// </summary>
public sealed class AuditSeal
{
    public long Seq { get; set; }
    public long EntryId { get; set; }
    public string Hash { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<AuditSeal>
    {
        public void Configure(EntityTypeBuilder<AuditSeal> builder)
        {
            builder.ToTable("AuditSeals");
            builder.HasKey(s => s.Seq);
            builder.Property(s => s.Seq).ValueGeneratedNever();
            builder.Property(s => s.Hash).HasMaxLength(64);
            builder.HasIndex(s => s.EntryId).IsUnique();
        }
    }
}

/// <summary>
/// The sealer's work list: a trigger adds every entry written to the trail here in the writer's
/// transaction, so an entry becomes visible together with its place in this list, whatever order
/// transactions commit in; the sealer removes the ids it sealed. Only ids, no content. An entry
/// with neither a seal nor a row here was written around the trigger, and verification names it.
/// </summary>
public sealed class AuditPending
{
    public long EntryId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AuditPending>
    {
        public void Configure(EntityTypeBuilder<AuditPending> builder)
        {
            builder.ToTable("AuditPending");
            builder.HasKey(p => p.EntryId);
            builder.Property(p => p.EntryId).ValueGeneratedNever();
        }
    }
}
