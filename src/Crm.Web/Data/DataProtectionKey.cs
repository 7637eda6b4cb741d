using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Data;

/// <summary>
/// A Data Protection key ring entry. Keys live in the database so every instance behind a proxy
/// can read every other instance's cookies and encrypted settings.
/// </summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public string Xml { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<DataProtectionKey>
    {
        public void Configure(EntityTypeBuilder<DataProtectionKey> builder)
        {
            builder.ToTable("DataProtectionKeys");
            builder.Property(k => k.FriendlyName).HasMaxLength(200);
        }
    }
}

/// <summary>
/// The key ring's storage over <see cref="CrmDb"/> (the EF Core store package is not served here).
/// New keys arrive already encrypted (<see cref="KeyFileXmlEncryptor"/>). Keys written before
/// encryption at rest (their secret in clear, marked <c>requiresEncryption</c>) are still read, and
/// are encrypted in place the first time the ring is read, so an upgraded database holds no key in clear.
/// </summary>
internal sealed class DatabaseXmlRepository(IServiceScopeFactory scopes, KeyEncryptionKey kek) : IXmlRepository
{
    private static readonly XNamespace s_dataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var rows = db.DataProtectionKeys.ToList();
        var elements = new List<XElement>(rows.Count);
        foreach (var row in rows)
        {
            var element = XElement.Parse(row.Xml);
            if (EncryptClearSecrets(element))
            {
                row.Xml = element.ToString(SaveOptions.DisableFormatting);
            }

            elements.Add(element);
        }

        db.SaveChanges();
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        EncryptClearSecrets(element);
        db.DataProtectionKeys.Add(new DataProtectionKey
        {
            FriendlyName = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
        });
        db.SaveChanges();
    }

    /// <summary>
    /// Replaces every part marked <c>requiresEncryption</c> by an <c>encryptedSecret</c>, the form
    /// Data Protection itself writes when an encryptor is configured (and decrypts on reading).
    /// </summary>
    private bool EncryptClearSecrets(XElement element)
    {
        var clear = element.DescendantsAndSelf()
            .Where(e => string.Equals((string?)e.Attribute(s_dataProtection + "requiresEncryption"), "true", StringComparison.OrdinalIgnoreCase))
            .ToList();
        var encryptor = new KeyFileXmlEncryptor(kek);
        foreach (var secret in clear)
        {
            var encrypted = encryptor.Encrypt(new XElement(secret));
            secret.ReplaceWith(new XElement(s_dataProtection + "encryptedSecret",
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                encrypted.EncryptedElement));
        }

        return clear.Count > 0;
    }
}
