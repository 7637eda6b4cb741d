using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Account;

/// <summary>A person (or integration) who signs in. The email address is the login.</summary>
public sealed class CrmUser : IdentityUser<Guid>
{
    public string FullName { get; set; } = "";

    /// <summary>Deactivated users cannot sign in and are signed out at their next request; they keep their history.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>Administrators' permissions are not checked (everything they do is audited).</summary>
    public bool IsAdministrator { get; set; }

    /// <summary>
    /// An integration user: the identity of another system, used through API tokens and webhook
    /// endpoints. It cannot sign in through the browser, has no password and holds no seat.
    /// </summary>
    public bool IsIntegration { get; set; }

    /// <summary>Set for temporary passwords: the user must choose their own before doing anything else.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }

    /// <summary>Exactly one role per user (<see cref="Roles.Role"/>).</summary>
    public int RoleId { get; set; }

    /// <summary>Overrides of the organisation's language and time zone (IANA id); null means the default.</summary>
    public string? Language { get; set; }
    public string? TimeZone { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<CrmUser>
    {
        public void Configure(EntityTypeBuilder<CrmUser> builder)
        {
            builder.ToTable("Users");
            builder.Property(u => u.FullName).HasMaxLength(200);
            // The email is the login: unique, whatever Identity's default index says.
            builder.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();
            builder.Property(u => u.Language).HasMaxLength(10);
            builder.Property(u => u.TimeZone).HasMaxLength(64);
            // Added to a table with rows (migration IntegrationUsers): every existing account is a person.
            builder.Property(u => u.IsIntegration).HasDefaultValue(false);
            builder.HasOne<Roles.Role>().WithMany().HasForeignKey(u => u.RoleId).OnDelete(DeleteBehavior.Restrict);
            builder.HasIndex(u => u.RoleId);
        }
    }
}
