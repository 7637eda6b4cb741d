using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Groups;

/// <summary>A named set of users: it may add grants to its members and records may be shared with it.</summary>
public sealed class Group
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<GroupMember> Members { get; set; } = [];
    public List<GroupGrant> Grants { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<Group>
    {
        public void Configure(EntityTypeBuilder<Group> builder)
        {
            builder.ToTable("Groups");
            builder.Property(g => g.Name).HasMaxLength(100);
            builder.Property(g => g.Description).HasMaxLength(500);
            builder.HasIndex(g => g.Name).IsUnique();
            builder.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
            builder.HasMany(g => g.Grants).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

public sealed class GroupMember
{
    public int GroupId { get; set; }
    public Guid UserId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<GroupMember>
    {
        public void Configure(EntityTypeBuilder<GroupMember> builder)
        {
            builder.ToTable("GroupMembers");
            builder.HasKey(m => new { m.GroupId, m.UserId });
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(m => m.UserId);
        }
    }
}

public sealed class GroupGrant
{
    public int GroupId { get; set; }
    public string Module { get; set; } = "";
    public string Action { get; set; } = "";
    public Scope Scope { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<GroupGrant>
    {
        public void Configure(EntityTypeBuilder<GroupGrant> builder)
        {
            builder.ToTable("GroupGrants");
            builder.HasKey(g => new { g.GroupId, g.Module, g.Action });
            builder.Property(g => g.Module).HasMaxLength(50);
            builder.Property(g => g.Action).HasMaxLength(50);
        }
    }
}
