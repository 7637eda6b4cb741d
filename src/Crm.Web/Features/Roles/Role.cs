using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Roles;

/// <summary>Who a role's holders may hand records to.</summary>
public enum AssignRecordsTo
{
    AnyUser = 0,
    SameRoleOrBelow = 1,
    SubordinatesOnly = 2,
}

/// <summary>
/// A job function. Every user has exactly one; roles form the reporting hierarchy ("reports to"),
/// hold permission grants and field rules. A new role grants nothing (least privilege).
/// </summary>
public sealed class Role
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int? ParentId { get; set; }
    public Role? Parent { get; set; }
    public AssignRecordsTo AssignRecordsTo { get; set; } = AssignRecordsTo.SameRoleOrBelow;

    /// <summary>The most rows one export by a holder may have (null: no limit); enforced by <see cref="Records.ListExports"/>.</summary>
    public int? MaxExportRows { get; set; }

    public List<RoleGrant> Grants { get; set; } = [];
    public List<RoleFieldRule> FieldRules { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<Role>
    {
        public void Configure(EntityTypeBuilder<Role> builder)
        {
            builder.ToTable("Roles");
            builder.Property(r => r.Name).HasMaxLength(100);
            builder.Property(r => r.Description).HasMaxLength(500);
            builder.HasIndex(r => r.Name).IsUnique();
            builder.HasOne(r => r.Parent).WithMany().HasForeignKey(r => r.ParentId).OnDelete(DeleteBehavior.Restrict);
            builder.HasMany(r => r.Grants).WithOne().HasForeignKey(g => g.RoleId).OnDelete(DeleteBehavior.Cascade);
            builder.HasMany(r => r.FieldRules).WithOne().HasForeignKey(g => g.RoleId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>A role's permission for one action of one module, with how far it reaches.</summary>
public sealed class RoleGrant : IGrantRow
{
    public int RoleId { get; set; }
    public string Module { get; set; } = "";
    public string Action { get; set; } = "";
    public Scope Scope { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RoleGrant>
    {
        public void Configure(EntityTypeBuilder<RoleGrant> builder)
        {
            builder.ToTable("RoleGrants");
            builder.HasKey(g => new { g.RoleId, g.Module, g.Action });
            builder.Property(g => g.Module).HasMaxLength(50);
            builder.Property(g => g.Action).HasMaxLength(50);
        }
    }
}

/// <summary>A field of a module that holders of a role may not see, or may see but not change.</summary>
public sealed class RoleFieldRule
{
    public int RoleId { get; set; }
    public string Module { get; set; } = "";
    public string Field { get; set; } = "";
    public FieldAccess Access { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RoleFieldRule>
    {
        public void Configure(EntityTypeBuilder<RoleFieldRule> builder)
        {
            builder.ToTable("RoleFieldRules");
            builder.HasKey(r => new { r.RoleId, r.Module, r.Field });
            builder.Property(r => r.Module).HasMaxLength(50);
            builder.Property(r => r.Field).HasMaxLength(100);
        }
    }
}
