using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Scheduler;

/// <summary>
/// One recurring job's state, shared by every instance: its last run and the lease that lets only
/// one instance run it at a time (claimed with a conditional UPDATE).
/// </summary>
public sealed class ScheduledJob
{
    public string Name { get; set; } = "";
    public DateTime? LastStartedAt { get; set; }
    public DateTime? LastFinishedAt { get; set; }

    /// <summary>"succeeded" or "failed"; null before the first run.</summary>
    public string? LastOutcome { get; set; }
    public string? LastError { get; set; }
    public DateTime? NextRunAt { get; set; }
    public Guid? LeaseHolder { get; set; }
    public DateTime? LeasedUntil { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ScheduledJob>
    {
        public void Configure(EntityTypeBuilder<ScheduledJob> builder)
        {
            builder.ToTable("ScheduledJobs");
            builder.HasKey(j => j.Name);
            builder.Property(j => j.Name).HasMaxLength(100);
            builder.Property(j => j.LastOutcome).HasMaxLength(20);
            builder.Property(j => j.LastError).HasMaxLength(2000);
        }
    }
}
