using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// One mass mailing: its template, the saved recipient filter (module, optional field contains
/// value) and the counts fixed when it was sent. Its messages are outbox rows carrying its ID.
/// No foreign keys to the sender or account: the record of what was sent outlives both.
/// </summary>
public sealed class Mailing
{
    public int Id { get; set; }
    public Guid SenderId { get; set; }
    public int SendingAccountId { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string Module { get; set; } = "";
    public string? FilterField { get; set; }
    public string? FilterValue { get; set; }
    public int Recipients { get; set; }
    public int SkippedOptedOut { get; set; }
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Mailing>
    {
        public void Configure(EntityTypeBuilder<Mailing> builder)
        {
            builder.ToTable("Mailings");
            builder.Property(m => m.Subject).HasMaxLength(300);
            builder.Property(m => m.Body).HasMaxLength(20000);
            builder.Property(m => m.Module).HasMaxLength(30);
            builder.Property(m => m.FilterField).HasMaxLength(50);
            builder.Property(m => m.FilterValue).HasMaxLength(200);
            builder.HasIndex(m => new { m.SenderId, m.Id });
        }
    }
}
