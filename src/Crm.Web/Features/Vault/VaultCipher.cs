using System.Security.Cryptography;
using System.Text;
using Crm.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>
/// Encrypts the vault's secrets with AES-256-GCM under the vault key (ADR 0030). The key is 256
/// random bits made on first use and stored only as protected by the Data Protection key ring, which
/// is itself encrypted with the key file outside the database (ADR 0007): a database dump alone
/// decrypts nothing. Each value gets a fresh 96-bit nonce; the associated data binds the ciphertext
/// to its entry and field. Stored as <c>v1.</c> + base64(nonce ‖ tag ‖ ciphertext).
/// </summary>
public sealed class VaultCipher(IDataProtectionProvider protection, TimeProvider clock, IServiceScopeFactory scopes) : IDisposable
{
    public const string KeyPurpose = "Crm.Vault.Key.v1";
    private const string Version = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly IDataProtector _keys = protection.CreateProtector(KeyPurpose);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _key;

    public async Task<string> EncryptAsync(Guid secretsId, string field, string plaintext, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var stored = new byte[NonceSize + TagSize + clear.Length];
        var nonce = stored.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, clear, stored.AsSpan(NonceSize + TagSize), stored.AsSpan(NonceSize, TagSize), AssociatedData(secretsId, field));
        CryptographicOperations.ZeroMemory(clear);
        return Version + Convert.ToBase64String(stored);
    }

    /// <summary>The value, or an exception if it was changed, moved to another entry or field, or made under another key.</summary>
    public async Task<string> DecryptAsync(Guid secretsId, string field, string stored, CancellationToken cancellationToken)
    {
        if (!stored.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown vault ciphertext version.");
        }

        var key = await KeyAsync(cancellationToken);
        var bytes = Convert.FromBase64String(stored[Version.Length..]);
        var clear = new byte[bytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize + TagSize), bytes.AsSpan(NonceSize, TagSize), clear, AssociatedData(secretsId, field));
        return Encoding.UTF8.GetString(clear);
    }

    public void Dispose()
    {
        if (_key is { } key)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        _loading.Dispose();
    }

    private static byte[] AssociatedData(Guid secretsId, string field) => Encoding.UTF8.GetBytes($"crm-vault:{secretsId:N}:{field}");

    /// <summary>The key, read (or made) once per process; in its own scope so no caller's unit of work carries it.</summary>
    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } loaded)
        {
            return loaded;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_key is { } raced)
            {
                return raced;
            }

            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var row = await db.Set<VaultKey>().AsNoTracking().FirstOrDefaultAsync(k => k.Id == VaultKey.SingletonId, cancellationToken);
            if (row is null)
            {
                var fresh = RandomNumberGenerator.GetBytes(32);
                db.Set<VaultKey>().Add(new VaultKey
                {
                    Id = VaultKey.SingletonId,
                    ProtectedKey = _keys.Protect(Convert.ToBase64String(fresh)),
                    CreatedAt = clock.GetUtcNow().UtcDateTime,
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return _key = fresh;
                }
                catch (DbUpdateException)
                {
                    // Another instance made the key first: use theirs.
                    db.ChangeTracker.Clear();
                    row = await db.Set<VaultKey>().AsNoTracking().FirstAsync(k => k.Id == VaultKey.SingletonId, cancellationToken);
                }
            }

            return _key = Convert.FromBase64String(_keys.Unprotect(row.ProtectedKey));
        }
        finally
        {
            _loading.Release();
        }
    }
}
