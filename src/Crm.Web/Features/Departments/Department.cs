using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Departments;

/// <summary>A unit of the company; departments form a tree and users may belong to several.</summary>
public sealed class Department
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int? ParentId { get; set; }
    public Department? Parent { get; set; }

    /// <summary>The department's own address (tickets are routed by it later).</summary>
    public string? Email { get; set; }

    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Department>
    {
        public void Configure(EntityTypeBuilder<Department> builder)
        {
            builder.ToTable("Departments");
            builder.Property(d => d.Name).HasMaxLength(100);
            builder.Property(d => d.Email).HasMaxLength(256);
            builder.HasIndex(d => d.Name).IsUnique();
            builder.HasOne(d => d.Parent).WithMany().HasForeignKey(d => d.ParentId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}

/// <summary>A user's membership of a department; exactly one membership of a user is primary.</summary>
public sealed class UserDepartment
{
    public Guid UserId { get; set; }
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }
    public bool IsPrimary { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<UserDepartment>
    {
        public void Configure(EntityTypeBuilder<UserDepartment> builder)
        {
            builder.ToTable("UserDepartments");
            builder.HasKey(m => new { m.UserId, m.DepartmentId });
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne(m => m.Department).WithMany().HasForeignKey(m => m.DepartmentId).OnDelete(DeleteBehavior.Restrict);
            builder.HasIndex(m => m.DepartmentId);
        }
    }
}
