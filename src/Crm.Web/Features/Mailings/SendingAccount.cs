using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// A user's own SMTP credentials for mailings. The password is encrypted with Data Protection and
/// write-only: no page, API answer or log line ever carries it again. A user's first account
/// (lowest ID) is their default: transferred recipients are bound to it.
/// </summary>
public sealed class SendingAccount
{
    public int Id { get; set; }
    public Guid UserId { get; set; }
    public string Name { get; set; } = "";
    public string FromAddress { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; }
    public Email.SmtpSecurity Security { get; set; }
    public string? UserName { get; set; }
    public string? ProtectedPassword { get; set; }

    /// <summary>The most messages the delivery worker sends through this account in any minute.</summary>
    public int RatePerMinute { get; set; }
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<SendingAccount>
    {
        public void Configure(EntityTypeBuilder<SendingAccount> builder)
        {
            builder.ToTable("SendingAccounts");
            builder.Property(a => a.Name).HasMaxLength(100);
            builder.Property(a => a.FromAddress).HasMaxLength(256);
            builder.Property(a => a.Host).HasMaxLength(255);
            builder.Property(a => a.UserName).HasMaxLength(256);
            builder.Property(a => a.ProtectedPassword).HasMaxLength(2000);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(a => new { a.UserId, a.Id });
        }
    }
}
