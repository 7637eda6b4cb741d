using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// A named credential for an integration, acting as the user it is bound to. Only a hash of the
/// secret is stored; the secret is shown once, at creation.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid UserId { get; set; }

    /// <summary>The public first part of the token, to find the row without scanning hashes.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the secret part, hex.</summary>
    public string SecretHash { get; set; } = "";

    /// <summary>
    /// The modules and actions the token is limited to, in <see cref="Security.Permissions.TokenScopes"/>'
    /// stored form; null for a token with all of its user's permissions (every token before scopes).
    /// </summary>
    public string? Scopes { get; set; }

    public DateTime CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public long UseCount { get; set; }

    public const int ScopesMaxLength = 2000;

    internal sealed class Configuration : IEntityTypeConfiguration<ApiToken>
    {
        public void Configure(EntityTypeBuilder<ApiToken> builder)
        {
            builder.ToTable("ApiTokens");
            builder.Property(t => t.Name).HasMaxLength(100);
            builder.Property(t => t.Prefix).HasMaxLength(16);
            builder.Property(t => t.SecretHash).HasMaxLength(64);
            builder.Property(t => t.Scopes).HasMaxLength(ScopesMaxLength);
            builder.HasIndex(t => t.Prefix).IsUnique();
            builder.HasIndex(t => t.UserId);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}
