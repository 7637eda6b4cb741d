using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Account;

/// <summary>
/// A signed-in browser session, held on the server so that signing out (or an administrator
/// revoking it) makes a copied cookie worthless at once.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public CrmUser? User { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>
    /// While set, an administrator is previewing the CRM as this user through this session
    /// (read-only). No foreign key: SQLite cannot add one to an existing table; the session check
    /// ends a preview whose user is gone.
    /// </summary>
    public Guid? PreviewUserId { get; set; }

    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>When the user last confirmed their password in this session (<see cref="FreshSignIn"/>); the sign-in itself counts from <see cref="CreatedAt"/>.</summary>
    public DateTime? ReauthenticatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<UserSession>
    {
        public void Configure(EntityTypeBuilder<UserSession> builder)
        {
            builder.ToTable("UserSessions");
            builder.Property(s => s.IpAddress).HasMaxLength(64);
            builder.Property(s => s.UserAgent).HasMaxLength(512);
            builder.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(s => s.UserId);
        }
    }
}
