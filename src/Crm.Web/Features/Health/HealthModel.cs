using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Health;

/// <summary>An administrator's thresholds for one indicator; without a row the indicator's defaults apply. Audited.</summary>
public sealed class HealthThreshold
{
    public string Key { get; set; } = "";
    public double Warning { get; set; }
    public double Critical { get; set; }
    public DateTime ChangedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<HealthThreshold>
    {
        public void Configure(EntityTypeBuilder<HealthThreshold> builder)
        {
            builder.ToTable("HealthThresholds");
            builder.HasKey(t => t.Key);
            builder.Property(t => t.Key).HasMaxLength(HealthReading.KeyMaxLength);
        }
    }
}

/// <summary>
/// An indicator's figure and state on one day (UTC), overwritten by each run of the recording job
/// that day, so the dashboard draws the last 30 days; older rows are removed by the same job.
/// </summary>
public sealed class HealthReading
{
    public const int KeyMaxLength = 100;
    public const int KeptDays = 30;

    public string Key { get; set; } = "";
    public DateOnly Day { get; set; }
    public double? Figure { get; set; }
    public HealthState State { get; set; }
    public DateTime MeasuredAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<HealthReading>
    {
        public void Configure(EntityTypeBuilder<HealthReading> builder)
        {
            builder.ToTable("HealthReadings");
            builder.HasKey(r => new { r.Key, r.Day });
            builder.Property(r => r.Key).HasMaxLength(KeyMaxLength);
            builder.HasIndex(r => r.Day);
        }
    }
}

/// <summary>
/// The state administrators were last told about, per indicator: the recording job notifies them
/// when a measurement differs from it, and only then, so a lasting problem is one notification.
/// </summary>
public sealed class HealthStatus
{
    public string Key { get; set; } = "";
    public HealthState State { get; set; }
    public DateTime Since { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<HealthStatus>
    {
        public void Configure(EntityTypeBuilder<HealthStatus> builder)
        {
            builder.ToTable("HealthStatuses");
            builder.HasKey(s => s.Key);
            builder.Property(s => s.Key).HasMaxLength(HealthReading.KeyMaxLength);
        }
    }
}
