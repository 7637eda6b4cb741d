using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Mailings;

/// <summary>An address that unsubscribed: no later mailing writes to it, whichever record carries it.</summary>
public sealed class MailingOptOut
{
    public int Id { get; set; }

    /// <summary>Trimmed and lower-cased, so the check is one indexed equality.</summary>
    public string Email { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<MailingOptOut>
    {
        public void Configure(EntityTypeBuilder<MailingOptOut> builder)
        {
            builder.ToTable("MailingOptOuts");
            builder.Property(o => o.Email).HasMaxLength(256);
            builder.HasIndex(o => o.Email).IsUnique();
        }
    }
}
