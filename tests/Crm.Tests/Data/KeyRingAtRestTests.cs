using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Tests.Data;

/// <summary>
/// The Data Protection key ring is encrypted at rest with a key kept outside the database: a dump
/// of every table holds neither a protected secret nor key material, and keys stored in clear by
/// an earlier version are still read and get encrypted.
/// </summary>
public sealed class KeyRingAtRestTests
{
    private const string Secret = "amber lighthouse 58 cobalt";
    private static readonly XNamespace s_dp = "http://schemas.asp.net/2015/03/dataProtection";

    /// <summary>Another instance's view of the key ring: the rows as they are in the database, read-only.</summary>
    private sealed class StoredRows(CrmApp app) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            app.InDatabaseAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync()).GetAwaiter().GetResult().Select(XElement.Parse).ToList();

        public void StoreElement(XElement element, string friendlyName) => throw new InvalidOperationException("A reader never creates keys.");
    }

    /// <summary>A second, fresh Data Protection stack (as on another instance) over the same rows, with the given key-encryption key.</summary>
    private static ServiceProvider SecondInstance(CrmApp app, KeyEncryptionKey kek)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(kek);
        services.AddDataProtection().SetApplicationName("Crm");
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new StoredRows(app);
            o.XmlEncryptor = new KeyFileXmlEncryptor(kek);
            o.AutoGenerateKeys = false;
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Every value of every table of the model, as text (binary columns as base64 and as text).</summary>
    private static Task<string> DumpAsync(CrmApp app) => app.InDatabaseAsync(async db =>
    {
        var dump = new StringBuilder();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    dump.Append(value is byte[] bytes ? Convert.ToBase64String(bytes) + "|" + Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\t');
                }

                dump.AppendLine();
            }
        }

        return dump.ToString();
    });

    /// <summary>The master keys in clear, decrypted with the app's key-encryption key.</summary>
    private static List<string> MasterKeys(CrmApp app, IEnumerable<string> rows)
    {
        var decryptor = new KeyFileXmlDecryptor(app.Services);
        return [.. rows.Select(XElement.Parse).SelectMany(k => k.Descendants(s_dp + "encryptedSecret"))
            .Select(e => decryptor.Decrypt(e.Elements().Single()))
            .Select(masterKey => (string)masterKey.Element("value")!)];
    }

    [Fact]
    public async Task After_storing_an_smtp_password_the_key_rows_and_a_dump_of_every_table_hold_neither_the_password_nor_key_material()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().With("Email:Delivery:Enabled", "false");
        using var admin = await app.SignInAsAdminAsync();
        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = server.Port, security = "None", from = "sales@crm.test", userName = "mailer", password = Secret });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var rows = await app.InDatabaseAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        });

        var masterKeys = MasterKeys(app, rows);
        Assert.NotEmpty(masterKeys);
        var dump = await DumpAsync(app);
        Assert.Contains("encryptedSecret", dump, StringComparison.Ordinal); // the dump did read the key ring
        Assert.DoesNotContain(Secret, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), dump, StringComparison.Ordinal);
        foreach (var masterKey in masterKeys)
        {
            Assert.DoesNotContain(masterKey, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(masterKey)), dump, StringComparison.OrdinalIgnoreCase);
        }

        // The key-encryption key is not in the database either.
        var kek = app.Services.GetRequiredService<KeyEncryptionKey>();
        Assert.DoesNotContain((await File.ReadAllTextAsync(kek.FilePath)).Trim(), dump, StringComparison.Ordinal);

        // Another instance with the key file reads the password; with another key file it cannot.
        var column = await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.SmtpProtectedPassword).SingleAsync());
        using (var second = SecondInstance(app, kek))
        {
            Assert.Equal(Secret, second.GetRequiredService<IDataProtectionProvider>().CreateProtector(EffectiveSmtpSettings.PasswordPurpose).Unprotect(column!));
        }

        var otherFile = Path.Combine(Path.GetTempPath(), "crm-kek-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var stranger = SecondInstance(app, new KeyEncryptionKey(otherFile));
            Assert.ThrowsAny<CryptographicException>(() =>
                stranger.GetRequiredService<IDataProtectionProvider>().CreateProtector(EffectiveSmtpSettings.PasswordPurpose).Unprotect(column!));
        }
        finally
        {
            File.Delete(otherFile);
        }
    }

    [Fact]
    public async Task Keys_stored_in_clear_before_the_upgrade_are_still_read_and_are_encrypted_in_place()
    {
        await using var app = new CrmApp();
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Crm.Tests.Upgrade");
        var protectedText = protector.Protect("kept across the upgrade");

        // Turn the stored key back into the clear form an earlier version wrote.
        var kek = app.Services.GetRequiredService<KeyEncryptionKey>();
        var row = await app.InDatabaseAsync(db => db.DataProtectionKeys.AsNoTracking().FirstAsync());
        var key = XElement.Parse(row.Xml);
        var secret = key.Descendants(s_dp + "encryptedSecret").Single();
        secret.ReplaceWith(new KeyFileXmlDecryptor(app.Services).Decrypt(secret.Elements().Single()));
        var clear = key.ToString(SaveOptions.DisableFormatting);
        Assert.Contains("<masterKey", clear, StringComparison.Ordinal);
        await app.InDatabaseAsync(db => db.DataProtectionKeys.Where(k => k.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.Xml, clear)));

        // Read as it is: the clear key still works.
        using (var reader = SecondInstance(app, kek))
        {
            Assert.Equal("kept across the upgrade", reader.GetRequiredService<IDataProtectionProvider>().CreateProtector("Crm.Tests.Upgrade").Unprotect(protectedText));
        }

        // The first read of the ring by the CRM encrypts it in place.
        var repository = app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository!;
        Assert.NotEmpty(repository.GetAllElements());
        var upgraded = await app.InDatabaseAsync(db => db.DataProtectionKeys.AsNoTracking().SingleAsync(k => k.Id == row.Id));
        Assert.DoesNotContain("<masterKey", upgraded.Xml, StringComparison.Ordinal);
        Assert.Contains("encryptedSecret", upgraded.Xml, StringComparison.Ordinal);
        using (var reader = SecondInstance(app, kek))
        {
            Assert.Equal("kept across the upgrade", reader.GetRequiredService<IDataProtectionProvider>().CreateProtector("Crm.Tests.Upgrade").Unprotect(protectedText));
        }
    }
}
