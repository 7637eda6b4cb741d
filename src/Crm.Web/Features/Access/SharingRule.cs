using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Access;

/// <summary>
/// "Records of <see cref="Module"/> owned by members of the source are shared with the target,
/// read or read-write": source and target are each a group, a department or a role (optionally
/// with the roles below it); exactly one of each is set. Evaluated when a user's permissions are
/// loaded (the source's members become the owners whose records the rule opens), never copied
/// into shares per record (ADR 0027).
/// </summary>
public sealed class SharingRule
{
    public int Id { get; set; }
    public string Module { get; set; } = "";

    public int? FromGroupId { get; set; }
    public int? FromDepartmentId { get; set; }
    public int? FromRoleId { get; set; }
    public bool FromSubordinates { get; set; }

    public int? ToGroupId { get; set; }
    public int? ToDepartmentId { get; set; }
    public int? ToRoleId { get; set; }
    public bool ToSubordinates { get; set; }

    public ShareAccess Access { get; set; }
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<SharingRule>
    {
        public void Configure(EntityTypeBuilder<SharingRule> builder)
        {
            builder.ToTable("SharingRules");
            builder.Property(r => r.Module).HasMaxLength(50);
            builder.HasIndex(r => r.Module);
            builder.HasOne<Groups.Group>().WithMany().HasForeignKey(r => r.FromGroupId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Departments.Department>().WithMany().HasForeignKey(r => r.FromDepartmentId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Roles.Role>().WithMany().HasForeignKey(r => r.FromRoleId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Groups.Group>().WithMany().HasForeignKey(r => r.ToGroupId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Departments.Department>().WithMany().HasForeignKey(r => r.ToDepartmentId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Roles.Role>().WithMany().HasForeignKey(r => r.ToRoleId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
