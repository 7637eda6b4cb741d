using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// An address that unsubscribed: no later mailing writes to it, whichever record carries it. A GDPR
/// erasure keeps the opt-out but replaces the address by its <see cref="Hashed"/> form, so the
/// address stays unsubscribed without being readable: every check looks for both forms.
/// </summary>
public sealed class MailingOptOut
{
    public const string HashPrefix = "sha256:";

    public int Id { get; set; }

    /// <summary>Trimmed and lower-cased, so the check is one indexed equality; or, once erased, its <see cref="Hashed"/> form.</summary>
    public string Email { get; set; } = "";

    /// <summary>The erased form of a (normalised) address: <c>sha256:</c> and the SHA-256 of its UTF-8 bytes in lower-case hex.</summary>
    public static string Hashed(string normalisedEmail) =>
        HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalisedEmail)));

    /// <summary>The stored forms that opt <paramref name="normalisedEmail"/> out: the address itself and its hash.</summary>
    public static string[] Forms(string normalisedEmail) => [normalisedEmail, Hashed(normalisedEmail)];
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<MailingOptOut>
    {
        public void Configure(EntityTypeBuilder<MailingOptOut> builder)
        {
            builder.ToTable("MailingOptOuts");
            builder.Property(o => o.Email).HasMaxLength(256);
            builder.HasIndex(o => o.Email).IsUnique();
        }
    }
}
