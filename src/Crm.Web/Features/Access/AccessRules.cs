using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Access;

/// <summary>An individual permission for one user that wins over what their role and groups say.</summary>
public sealed class PermissionOverride
{
    public Guid UserId { get; set; }
    public string Module { get; set; } = "";
    public string Action { get; set; } = "";
    public Scope Scope { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<PermissionOverride>
    {
        public void Configure(EntityTypeBuilder<PermissionOverride> builder)
        {
            builder.ToTable("PermissionOverrides");
            builder.HasKey(o => new { o.UserId, o.Module, o.Action });
            builder.Property(o => o.Module).HasMaxLength(50);
            builder.Property(o => o.Action).HasMaxLength(50);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>The organisation-wide default of a module: what everyone may do with everyone's records.</summary>
public sealed class ModuleDefault
{
    public string Module { get; set; } = "";
    public OrganisationDefault Access { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ModuleDefault>
    {
        public void Configure(EntityTypeBuilder<ModuleDefault> builder)
        {
            builder.ToTable("ModuleDefaults");
            builder.HasKey(d => d.Module);
            builder.Property(d => d.Module).HasMaxLength(50);
        }
    }
}

/// <summary>
/// One record shared explicitly with a user, a group, a department or a role (with or without the
/// roles below it), read-only or read-write, until an optional end. Exactly one target is set.
/// </summary>
public sealed class Share
{
    public long Id { get; set; }
    public string Module { get; set; } = "";
    public int RecordId { get; set; }
    public Guid? UserId { get; set; }
    public int? GroupId { get; set; }
    public int? DepartmentId { get; set; }
    public int? RoleId { get; set; }

    /// <summary>A role share that also reaches everyone whose role is below the role.</summary>
    public bool WithSubordinates { get; set; }

    public ShareAccess Access { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>From this instant the share no longer counts (the row stays, so history and the record's sharing list can show it ended).</summary>
    public DateTime? EndsAt { get; set; }

    public ShareTarget Target => UserId is not null ? ShareTarget.User
        : GroupId is not null ? ShareTarget.Group
        : RoleId is not null ? ShareTarget.Role
        : ShareTarget.Department;

    /// <summary>What the engine decides on.</summary>
    public RecordShare ToEngine(string? targetName = null) =>
        new(Target, UserId, GroupId, DepartmentId, Access) { RoleId = RoleId, WithSubordinates = WithSubordinates, TargetName = targetName };

    internal sealed class Configuration : IEntityTypeConfiguration<Share>
    {
        public void Configure(EntityTypeBuilder<Share> builder)
        {
            builder.ToTable("RecordShares");
            builder.Property(s => s.Module).HasMaxLength(50);
            builder.Ignore(s => s.Target);
            builder.HasIndex(s => new { s.Module, s.RecordId });
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Groups.Group>().WithMany().HasForeignKey(s => s.GroupId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Departments.Department>().WithMany().HasForeignKey(s => s.DepartmentId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Roles.Role>().WithMany().HasForeignKey(s => s.RoleId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
