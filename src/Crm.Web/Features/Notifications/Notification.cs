using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Notifications;

/// <summary>An in-app message for one user, such as a country value the CRM did not recognise.</summary>
public sealed class Notification
{
    public const int TitleMaxLength = 200;
    public const int BodyMaxLength = 2000;
    public const int LinkMaxLength = 500;

    public long Id { get; set; }
    public Guid UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>A local path (never an absolute URL) to the page where the user can act on it.</summary>
    public string? Link { get; set; }

    public DateTime? ReadAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Notification>
    {
        public void Configure(EntityTypeBuilder<Notification> builder)
        {
            builder.ToTable("Notifications");
            builder.Property(n => n.Title).HasMaxLength(TitleMaxLength);
            builder.Property(n => n.Body).HasMaxLength(BodyMaxLength);
            builder.Property(n => n.Link).HasMaxLength(LinkMaxLength);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(n => new { n.UserId, n.CreatedAt });
        }
    }
}
