using Crm.Web.Features.Account;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// A passkey (WebAuthn credential) a person registered, named by them. It is a second factor after
/// the password, or the whole sign-in where the organisation allows passwordless sign-in (ADR 0049).
/// Only the public key is kept; the sign counter refuses a cloned authenticator's stale count.
/// </summary>
public sealed class Passkey
{
    public const int NameMaxLength = 100;

    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The authenticator's id of the credential (at most 1023 bytes by the WebAuthn spec), unique across users.</summary>
    public byte[] CredentialId { get; set; } = [];

    /// <summary>The COSE-encoded public key, as the authenticator gave it at registration.</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>The authenticator's signature counter at its last use (0 when it keeps none).</summary>
    public long SignCount { get; set; }

    /// <summary>How the browser may reach the authenticator ("internal", "usb", ...), comma-separated.</summary>
    public string? Transports { get; set; }

    public bool IsUserVerified { get; set; }
    public bool IsBackupEligible { get; set; }
    public bool IsBackedUp { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Passkey>
    {
        public void Configure(EntityTypeBuilder<Passkey> builder)
        {
            builder.ToTable("Passkeys");
            builder.Property(p => p.Name).HasMaxLength(NameMaxLength);
            builder.Property(p => p.CredentialId).HasMaxLength(1023);
            builder.Property(p => p.Transports).HasMaxLength(200);
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasIndex(p => p.CredentialId).IsUnique();
            builder.HasIndex(p => p.UserId);
        }
    }
}

/// <summary>
/// One passkey ceremony in progress: the challenge and the state Identity's passkey handler needs
/// to check the browser's answer. Server-side so that it is used once (claimed by deleting the row),
/// expires after a few minutes, and is bound to the session (adding a passkey) or the person
/// between password and second step; the browser holds only the row's random id in a cookie.
/// </summary>
public sealed class PasskeyChallenge
{
    public string Id { get; set; } = "";
    public string Purpose { get; set; } = "";

    /// <summary>The person the ceremony is for; null for a passwordless sign-in, where the passkey says who.</summary>
    public Guid? UserId { get; set; }

    /// <summary>The session that adds a passkey; null for sign-in ceremonies.</summary>
    public Guid? SessionId { get; set; }

    /// <summary>The name the person gave a passkey being added.</summary>
    public string? Name { get; set; }

    public string State { get; set; } = "";
    public DateTime ExpiresAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<PasskeyChallenge>
    {
        public void Configure(EntityTypeBuilder<PasskeyChallenge> builder)
        {
            builder.ToTable("PasskeyChallenges");
            builder.Property(c => c.Id).HasMaxLength(64);
            builder.Property(c => c.Purpose).HasMaxLength(20);
            builder.Property(c => c.Name).HasMaxLength(Passkey.NameMaxLength);
            builder.Property(c => c.State).HasMaxLength(4000);
            builder.HasIndex(c => c.ExpiresAt);
        }
    }
}
