using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Binds a mailing recipient (a contact, company or lead) to the sending account that first wrote
/// to it, so every later mailing reaches it from the same address. Transfers of the record move
/// the binding to the new owner's default account (<see cref="MassContacts"/>).
/// </summary>
public sealed class MassContact
{
    public int Id { get; set; }
    public string Module { get; set; } = "";
    public int RecordId { get; set; }
    public int SendingAccountId { get; set; }
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<MassContact>
    {
        public void Configure(EntityTypeBuilder<MassContact> builder)
        {
            builder.ToTable("MassContacts");
            builder.Property(m => m.Module).HasMaxLength(30);
            builder.HasIndex(m => new { m.Module, m.RecordId }).IsUnique();
            builder.HasIndex(m => m.SendingAccountId);
            builder.HasOne<SendingAccount>().WithMany().HasForeignKey(m => m.SendingAccountId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
