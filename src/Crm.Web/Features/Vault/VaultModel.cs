using Crm.Web.Features.Account;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Vault;

/// <summary>A folder of shared credentials; its grants reach every entry in it, and its interval says when a password is due for rotation.</summary>
public sealed class VaultCategory
{
    public const int DefaultRotationDays = 365;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int RotationDays { get; set; } = DefaultRotationDays;
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<VaultCategory>
    {
        public void Configure(EntityTypeBuilder<VaultCategory> builder)
        {
            builder.ToTable("VaultCategories");
            builder.Property(c => c.Name).HasMaxLength(100);
            builder.HasIndex(c => c.Name).IsUnique();
        }
    }
}

/// <summary>
/// One shared credential. Name, URL and user name are plain (they are listed and searched); the
/// password, the notes and the TOTP seed are stored only as AES-GCM ciphertexts (<see cref="VaultCipher"/>),
/// bound to this entry's <see cref="SecretsId"/> and to the field, so a ciphertext copied to another
/// row or column does not decrypt. The "Encrypted" in their names keeps them out of the audit trail
/// (it records "(changed)" only).
/// </summary>
public sealed class VaultEntry
{
    public int Id { get; set; }
    public int CategoryId { get; set; }
    public VaultCategory? Category { get; set; }
    public string Name { get; set; } = "";
    public string? Url { get; set; }
    public string? UserName { get; set; }
    public Guid SecretsId { get; set; }
    public string EncryptedPassword { get; set; } = "";
    public string? EncryptedNotes { get; set; }
    public string? EncryptedTotpSeed { get; set; }
    /// <summary>When the password was last set: "rotation due" counts from here.</summary>
    public DateTime PasswordChangedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTime ModifiedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<VaultEntry>
    {
        public void Configure(EntityTypeBuilder<VaultEntry> builder)
        {
            builder.ToTable("VaultEntries");
            builder.Property(e => e.Name).HasMaxLength(200);
            builder.Property(e => e.Url).HasMaxLength(2000);
            builder.Property(e => e.UserName).HasMaxLength(200);
            builder.Property(e => e.EncryptedPassword).HasMaxLength(4000);
            builder.Property(e => e.EncryptedNotes).HasMaxLength(16000);
            builder.Property(e => e.EncryptedTotpSeed).HasMaxLength(1000);
            // A category with entries cannot go: its entries would lose their grants silently.
            builder.HasOne(e => e.Category).WithMany().HasForeignKey(e => e.CategoryId).OnDelete(DeleteBehavior.Restrict);
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(e => e.CreatedById).OnDelete(DeleteBehavior.SetNull);
            builder.HasIndex(e => e.CategoryId);
        }
    }
}

/// <summary>
/// "View" or "edit" on one entry or on a whole category (exactly one of the two), for a user, a
/// group, a department or a role (optionally with the roles below it): the same targets as a record
/// share, resolved the same way (<see cref="RecordShare.Reaches"/>).
/// </summary>
public sealed class VaultGrant
{
    public long Id { get; set; }
    public int? CategoryId { get; set; }
    public int? EntryId { get; set; }
    public Guid? UserId { get; set; }
    public int? GroupId { get; set; }
    public int? RoleId { get; set; }
    public bool WithSubordinates { get; set; }
    public int? DepartmentId { get; set; }
    public ShareAccess Access { get; set; }
    public DateTime CreatedAt { get; set; }

    public RecordShare ToShare() =>
        UserId is { } user ? RecordShare.WithUser(user, Access)
        : GroupId is { } group ? RecordShare.WithGroup(group, Access)
        : RoleId is { } role ? RecordShare.WithRole(role, WithSubordinates, Access)
        : RecordShare.WithDepartment(DepartmentId ?? 0, Access);

    internal sealed class Configuration : IEntityTypeConfiguration<VaultGrant>
    {
        public void Configure(EntityTypeBuilder<VaultGrant> builder)
        {
            builder.ToTable("VaultGrants");
            builder.HasOne<VaultCategory>().WithMany().HasForeignKey(g => g.CategoryId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<VaultEntry>().WithMany().HasForeignKey(g => g.EntryId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Group>().WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Role>().WithMany().HasForeignKey(g => g.RoleId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Department>().WithMany().HasForeignKey(g => g.DepartmentId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(g => g.CategoryId);
            builder.HasIndex(g => g.EntryId);
            builder.HasIndex(g => g.UserId);
            builder.HasIndex(g => g.GroupId);
            builder.HasIndex(g => g.RoleId);
            builder.HasIndex(g => g.DepartmentId);
        }
    }
}

/// <summary>The vault key (256 bits), stored only as protected by the Data Protection key ring; one row.</summary>
public sealed class VaultKey
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public string ProtectedKey { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<VaultKey>
    {
        public void Configure(EntityTypeBuilder<VaultKey> builder)
        {
            builder.ToTable("VaultKeys");
            builder.Property(k => k.Id).ValueGeneratedNever();
            builder.Property(k => k.ProtectedKey).HasMaxLength(2000);
        }
    }
}
