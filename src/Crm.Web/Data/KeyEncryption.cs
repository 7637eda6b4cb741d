using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Crm.Web.Data;

/// <summary>
/// The key-encryption key of the Data Protection key ring (ADR 0007): 256 random bits in a file
/// OUTSIDE the database (<c>DataProtection:KeyFile</c>, default <c>dataprotection.key</c> in the
/// data folder, <see cref="DataFolder"/>), created on first start with owner-only permissions. The key ring in
/// the database is encrypted with it, so a database dump alone decrypts nothing; in production the
/// operator points the setting at a mounted secret and every instance shares that file.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const string Setting = "DataProtection:KeyFile";
    public const string DefaultFile = "dataprotection.key";

    private readonly byte[] _key;

    public KeyEncryptionKey(IConfiguration configuration, IHostEnvironment environment)
        : this(configuration[Setting] is { Length: > 0 } path
            ? Path.GetFullPath(path, environment.ContentRootPath)
            : Path.Combine(DataFolder.Resolve(configuration, environment.ContentRootPath), DefaultFile))
    {
    }

    public KeyEncryptionKey(string path)
    {
        FilePath = path;
        _key = LoadOrCreate(path);
        // Names the key without revealing it: a key ring encrypted with another file says so.
        Id = Convert.ToHexStringLower(SHA256.HashData(_key))[..16];
    }

    public string FilePath { get; }

    public string Id { get; }

    internal byte[] Key => _key;

    private static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Written aside and moved into place: two instances starting at once end with one key, never half a file.
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(temporary, options))
            {
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        var text = File.ReadAllText(path).Trim();
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The Data Protection key file {path} ({Setting}) does not hold a base64 key.");
        }

        return key.Length == 32 ? key : throw new InvalidOperationException($"The Data Protection key file {path} ({Setting}) must hold 32 bytes (base64).");
    }
}

/// <summary>Encrypts each key's secret part with the key-encryption key (AES-256-GCM); the XML says which key file to use.</summary>
public sealed class KeyFileXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    internal static readonly byte[] Context = Encoding.UTF8.GetBytes("Crm.DataProtection.KeyRing.v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(kek.Key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, Context);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with the CRM's key-encryption key (DataProtection:KeyFile), AES-256-GCM. "),
            new XAttribute("kek", kek.Id),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(KeyFileXmlDecryptor));
    }
}

/// <summary>Decrypts what <see cref="KeyFileXmlEncryptor"/> wrote; created by Data Protection from the type named in the key's XML.</summary>
public sealed class KeyFileXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var kek = services.GetRequiredService<KeyEncryptionKey>();
        var id = (string?)encryptedElement.Attribute("kek");
        if (id != kek.Id)
        {
            throw new CryptographicException(
                $"A Data Protection key was encrypted with key-encryption key {id}, but {KeyEncryptionKey.Setting} ({kek.FilePath}) holds {kek.Id}: point it at the file the key ring was made with.");
        }

        var nonce = Convert.FromBase64String((string?)encryptedElement.Element("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)encryptedElement.Element("tag") ?? "");
        var ciphertext = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(kek.Key, tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, KeyFileXmlEncryptor.Context);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
