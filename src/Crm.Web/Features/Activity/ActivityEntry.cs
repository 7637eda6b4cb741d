using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Activity;

/// <summary>
/// One line of the administrators' activity log: sign-ins, account and permission changes,
/// previews, token changes. Written in the same transaction as what it records.
/// </summary>
public sealed class ActivityEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string Kind { get; set; } = "";
    public Guid? ActorUserId { get; set; }
    public string ActorName { get; set; } = "";
    public Guid? SubjectUserId { get; set; }
    public string Summary { get; set; } = "";
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ActivityEntry>
    {
        public void Configure(EntityTypeBuilder<ActivityEntry> builder)
        {
            builder.ToTable("ActivityLog");
            builder.Property(e => e.Kind).HasMaxLength(50);
            builder.Property(e => e.ActorName).HasMaxLength(200);
            builder.Property(e => e.Summary).HasMaxLength(1000);
            builder.Property(e => e.IpAddress).HasMaxLength(64);
            builder.Property(e => e.UserAgent).HasMaxLength(512);
            builder.Property(e => e.RequestId).HasMaxLength(100);
            builder.HasIndex(e => new { e.IpAddress, e.At });
            builder.HasIndex(e => e.At);
            builder.HasIndex(e => new { e.Kind, e.At });
            builder.HasIndex(e => new { e.ActorUserId, e.At });
        }
    }
}
