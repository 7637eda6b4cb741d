using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Audit;

/// <summary>
/// One run of the audit check (<see cref="VerifyAuditChain"/>: the daily job or <c>audit verify</c>
/// on the command line) and what it found, so the health dashboard can say when the trail was last
/// verified and whether it held. Not audited itself: a technical record, like the seals.
/// </summary>
public sealed class AuditVerification
{
    public const int ProblemMaxLength = 1000;

    public Guid Id { get; set; }
    public DateTime RanAt { get; set; }
    public bool Intact { get; set; }
    public long Checked { get; set; }
    public long? FirstBrokenId { get; set; }
    public string? Problem { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AuditVerification>
    {
        public void Configure(EntityTypeBuilder<AuditVerification> builder)
        {
            builder.ToTable("AuditVerifications");
            builder.Property(v => v.Problem).HasMaxLength(ProblemMaxLength);
            builder.HasIndex(v => v.RanAt);
        }
    }
}
