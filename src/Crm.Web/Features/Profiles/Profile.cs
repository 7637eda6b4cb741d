using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Profiles;

/// <summary>
/// A named, reusable permission set (Defalto's "profile"): grants and field rules of the same
/// shape a role holds. Roles are built on zero or more profiles plus grants of their own; a change
/// to a profile reaches every role that uses it on the holders' next request.
/// </summary>
public sealed class Profile
{
    public const int NameLength = 100;
    public const int DescriptionLength = 500;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }

    public List<ProfileGrant> Grants { get; set; } = [];
    public List<ProfileFieldRule> FieldRules { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<Profile>
    {
        public void Configure(EntityTypeBuilder<Profile> builder)
        {
            builder.ToTable("Profiles");
            builder.Property(p => p.Name).HasMaxLength(NameLength);
            builder.Property(p => p.Description).HasMaxLength(DescriptionLength);
            builder.HasIndex(p => p.Name).IsUnique();
            builder.HasMany(p => p.Grants).WithOne().HasForeignKey(g => g.ProfileId).OnDelete(DeleteBehavior.Cascade);
            builder.HasMany(p => p.FieldRules).WithOne().HasForeignKey(r => r.ProfileId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>A profile's permission for one action of one module, with how far it reaches.</summary>
public sealed class ProfileGrant : IGrantRow
{
    public int ProfileId { get; set; }
    public string Module { get; set; } = "";
    public string Action { get; set; } = "";
    public Scope Scope { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProfileGrant>
    {
        public void Configure(EntityTypeBuilder<ProfileGrant> builder)
        {
            builder.ToTable("ProfileGrants");
            builder.HasKey(g => new { g.ProfileId, g.Module, g.Action });
            builder.Property(g => g.Module).HasMaxLength(50);
            builder.Property(g => g.Action).HasMaxLength(50);
        }
    }
}

/// <summary>A field of a module that holders of a role using the profile may not see, or may see but not change.</summary>
public sealed class ProfileFieldRule
{
    public int ProfileId { get; set; }
    public string Module { get; set; } = "";
    public string Field { get; set; } = "";
    public FieldAccess Access { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProfileFieldRule>
    {
        public void Configure(EntityTypeBuilder<ProfileFieldRule> builder)
        {
            builder.ToTable("ProfileFieldRules");
            builder.HasKey(r => new { r.ProfileId, r.Module, r.Field });
            builder.Property(r => r.Module).HasMaxLength(50);
            builder.Property(r => r.Field).HasMaxLength(100);
        }
    }
}

/// <summary>A profile a role is built on. A role's row goes with the role; a profile in use cannot be deleted.</summary>
public sealed class RoleProfile
{
    public int RoleId { get; set; }
    public Role? Role { get; set; }
    public int ProfileId { get; set; }
    public Profile? Profile { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RoleProfile>
    {
        public void Configure(EntityTypeBuilder<RoleProfile> builder)
        {
            builder.ToTable("RoleProfiles");
            builder.HasKey(r => new { r.RoleId, r.ProfileId });
            builder.HasIndex(r => r.ProfileId);
            builder.HasOne(r => r.Role).WithMany().HasForeignKey(r => r.RoleId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne(r => r.Profile).WithMany().HasForeignKey(r => r.ProfileId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}
