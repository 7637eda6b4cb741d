using Crm.Web.Features.Account;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Departments;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Contacts;

/// <summary>A person the company deals with, usually working for a <see cref="Company"/>.</summary>
public sealed class Contact : IOwnedRecord
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 256;
    public const int PhoneMaxLength = 50;
    public const int TitleMaxLength = 100;

    public int Id { get; set; }
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? Email { get; set; }
    public string? Phone { get; set; }

    /// <summary>The job title, e.g. "Head of purchasing".</summary>
    public string? Title { get; set; }

    public int? CompanyId { get; set; }

    public Guid OwnerId { get; set; }
    public int? DepartmentId { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTime ModifiedAt { get; set; }
    public Guid? ModifiedById { get; set; }
    public int Version { get; set; }

    int IOwnedRecord.DepartmentId => DepartmentId ?? 0;

    internal sealed class Configuration : IEntityTypeConfiguration<Contact>
    {
        public void Configure(EntityTypeBuilder<Contact> builder)
        {
            builder.ToTable("Contacts");
            builder.Property(c => c.FirstName).HasMaxLength(NameMaxLength);
            builder.Property(c => c.LastName).HasMaxLength(NameMaxLength);
            builder.Property(c => c.Email).HasMaxLength(EmailMaxLength);
            builder.Property(c => c.Phone).HasMaxLength(PhoneMaxLength);
            builder.Property(c => c.Title).HasMaxLength(TitleMaxLength);
            builder.Property(c => c.Version).IsConcurrencyToken();
            // Restrict: deleting a company deletes its contacts explicitly, after listing them.
            builder.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Restrict);
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
            builder.HasOne<Department>().WithMany().HasForeignKey(c => c.DepartmentId).OnDelete(DeleteBehavior.SetNull);
            builder.HasIndex(c => c.OwnerId);
            builder.HasIndex(c => c.DepartmentId);
            builder.HasIndex(c => c.CompanyId);
            builder.HasIndex(c => new { c.LastName, c.FirstName, c.Id });
        }
    }
}
