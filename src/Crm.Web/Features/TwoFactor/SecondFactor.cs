using Crm.Web.Features.Account;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// A user's authenticator (TOTP) key. While <see cref="ConfirmedAt"/> is null the enrolment waits
/// for its first code and does not count; once confirmed, the user's <c>TwoFactorEnabled</c> is
/// set and the key is never shown again. The key is encrypted with Data Protection, never clear.
/// </summary>
public sealed class TwoFactorEnrolment
{
    public Guid UserId { get; set; }
    public string ProtectedSecret { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }

    /// <summary>The RFC 6238 time step of the last code accepted: that code and every older one are refused from then on.</summary>
    public long? LastAcceptedStep { get; set; }

    /// <summary>The last successful second step, by code or recovery code.</summary>
    public DateTime? LastUsedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<TwoFactorEnrolment>
    {
        public void Configure(EntityTypeBuilder<TwoFactorEnrolment> builder)
        {
            builder.ToTable("TwoFactorEnrolments");
            builder.HasKey(e => e.UserId);
            builder.Property(e => e.ProtectedSecret).HasMaxLength(1000);
            builder.HasOne<CrmUser>().WithOne().HasForeignKey<TwoFactorEnrolment>(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>A single-use recovery code, kept only as its SHA-256 (80 random bits make a slow hash unnecessary).</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string CodeHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? UsedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RecoveryCode>
    {
        public void Configure(EntityTypeBuilder<RecoveryCode> builder)
        {
            builder.ToTable("RecoveryCodes");
            builder.Property(c => c.CodeHash).HasMaxLength(64);
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(c => c.UserId);
        }
    }
}

/// <summary>
/// The organisation's two-factor policy, one row (<see cref="TheId"/>). A missing row reads as the
/// policy of a new installation: administrators must use two-factor sign-in.
/// </summary>
public sealed class TwoFactorPolicy
{
    public const int TheId = 1;

    public int Id { get; set; } = TheId;
    public bool RequiredForAdministrators { get; set; } = true;

    /// <summary>Days a person the policy comes to cover may still work without a second factor (0 = none: held at once).</summary>
    public int GraceDays { get; set; }

    /// <summary>Whether a person may sign in with a passkey alone, without their password (ADR 0049); off unless an administrator allows it.</summary>
    public bool PasswordlessSignIn { get; set; }

    public DateTime? ChangedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<TwoFactorPolicy>
    {
        public void Configure(EntityTypeBuilder<TwoFactorPolicy> builder)
        {
            builder.ToTable("TwoFactorPolicy");
            builder.Property(p => p.Id).ValueGeneratedNever();
            builder.Property(p => p.GraceDays).HasDefaultValue(0);
            builder.Property(p => p.PasswordlessSignIn).HasDefaultValue(false);
        }
    }
}

/// <summary>
/// When the policy came to cover a user (ADR 0048): their grace period runs from here, so the
/// deadline does not move with each sign-in or restart. Written for everyone covered when the
/// policy is saved, and at sign-in for someone covered since (a new role, made administrator);
/// removed when a save leaves them uncovered, so covering them again gives fresh notice.
/// </summary>
public sealed class TwoFactorCoverage
{
    public Guid UserId { get; set; }
    public DateTime CoveredSince { get; set; }

    /// <summary>False for a new user first covered at their very first sign-in: they have no work to keep going, so no grace.</summary>
    public bool GraceApplies { get; set; }

    /// <summary>The moment the person is held on enrolment, under a policy of <paramref name="graceDays"/> days.</summary>
    public DateTime Deadline(int graceDays) => GraceApplies ? CoveredSince.AddDays(graceDays) : CoveredSince;

    internal sealed class Configuration : IEntityTypeConfiguration<TwoFactorCoverage>
    {
        public void Configure(EntityTypeBuilder<TwoFactorCoverage> builder)
        {
            builder.ToTable("TwoFactorCoverage");
            builder.HasKey(c => c.UserId);
            builder.HasOne<CrmUser>().WithOne().HasForeignKey<TwoFactorCoverage>(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>A role whose members must all use two-factor sign-in, administrators or not.</summary>
public sealed class TwoFactorRoleRequirement
{
    public int RoleId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<TwoFactorRoleRequirement>
    {
        public void Configure(EntityTypeBuilder<TwoFactorRoleRequirement> builder)
        {
            builder.ToTable("TwoFactorRoleRequirements");
            builder.HasKey(r => r.RoleId);
            builder.Property(r => r.RoleId).ValueGeneratedNever();
            builder.HasOne<Roles.Role>().WithOne().HasForeignKey<TwoFactorRoleRequirement>(r => r.RoleId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
