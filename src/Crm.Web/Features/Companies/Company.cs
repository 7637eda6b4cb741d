using Crm.Web.Features.Account;
using Crm.Web.Features.Departments;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Companies;

/// <summary>A customer or prospect organisation. Owned by a user; its department is the owner's primary one.</summary>
public sealed class Company : IOwnedRecord
{
    public const int NameMaxLength = 200;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Website { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? City { get; set; }
    public string? Address { get; set; }

    /// <summary>Free text until the countries feature links companies to its list.</summary>
    public string? CountryName { get; set; }

    public Guid OwnerId { get; set; }

    /// <summary>The owner's primary department when the owner was set; none if they had none.</summary>
    public int? DepartmentId { get; set; }

    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTime ModifiedAt { get; set; }
    public Guid? ModifiedById { get; set; }

    /// <summary>Incremented on every change; a save quoting an older value lost a race and is refused.</summary>
    public int Version { get; set; }

    // The engine knows no "no department"; 0 matches no real department. Row filters map this
    // member back to the nullable column (OwnedRecordFilter), so SQL still uses its index.
    int IOwnedRecord.DepartmentId => DepartmentId ?? 0;

    internal sealed class Configuration : IEntityTypeConfiguration<Company>
    {
        public void Configure(EntityTypeBuilder<Company> builder)
        {
            builder.ToTable("Companies");
            builder.Property(c => c.Name).HasMaxLength(NameMaxLength);
            builder.Property(c => c.Website).HasMaxLength(CompanyLimits.Website);
            builder.Property(c => c.Phone).HasMaxLength(CompanyLimits.Phone);
            builder.Property(c => c.Email).HasMaxLength(CompanyLimits.Email);
            builder.Property(c => c.City).HasMaxLength(CompanyLimits.City);
            builder.Property(c => c.Address).HasMaxLength(CompanyLimits.Address);
            builder.Property(c => c.CountryName).HasMaxLength(CompanyLimits.Country);
            builder.Property(c => c.Version).IsConcurrencyToken();
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
            // A department can be removed once it has no members; its records then have none.
            builder.HasOne<Department>().WithMany().HasForeignKey(c => c.DepartmentId).OnDelete(DeleteBehavior.SetNull);
            builder.HasIndex(c => c.OwnerId);
            builder.HasIndex(c => c.DepartmentId);
            builder.HasIndex(c => new { c.Name, c.Id });
        }
    }
}

public static class CompanyLimits
{
    public const int Website = 300;
    public const int Phone = 50;
    public const int Email = 256;
    public const int City = 100;
    public const int Address = 500;
    public const int Country = 100;
}
