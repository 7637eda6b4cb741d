using System.Security.Cryptography;
using System.Text;
using Crm.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using QRCoder;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Authenticator-app codes (RFC 6238: 30-second steps, 6 digits, HMAC-SHA-1, what the apps expect).
/// A code is accepted in its own step and the one before or after (clock drift), and only once:
/// the step of an accepted code is stored and that step and every earlier one are refused after it.
/// </summary>
public sealed class Authenticator(CrmDb db, IDataProtectionProvider protection, TimeProvider clock)
{
    public const string SecretPurpose = "Crm.TwoFactor.AuthenticatorSecret";
    public const string Issuer = "CRM";

    private static readonly VerificationWindow s_window = new(previous: 1, future: 1);

    private readonly IDataProtector _secrets = protection.CreateProtector(SecretPurpose);

    /// <summary>A new 160-bit key (RFC 4226's recommended length), encrypted for storage.</summary>
    public string NewProtectedSecret() => _secrets.Protect(Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20)));

    /// <summary>The key in base32, as typed into an app by hand; only ever shown during enrolment.</summary>
    public string Secret(TwoFactorEnrolment enrolment) => _secrets.Unprotect(enrolment.ProtectedSecret);

    /// <summary>The otpauth:// address the QR code carries (the de-facto "Key URI format" of authenticator apps).</summary>
    public static string KeyUri(string secret, string account) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The QR code as a PNG data: address (the CSP's img-src allows data:, and no other page or endpoint has to serve the key).</summary>
    public static string QrCodeDataUri(string keyUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(keyUri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>Six digits, spaces allowed (apps show "123 456").</summary>
    public static bool LooksLikeCode(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    /// <summary>
    /// Accepts <paramref name="code"/> for <paramref name="enrolment"/> if it belongs to the current
    /// step ±1 and to a later step than the last accepted code. The step is claimed with a
    /// conditional update, so two requests racing with one code cannot both pass.
    /// </summary>
    public async Task<bool> AcceptAsync(TwoFactorEnrolment enrolment, string code, CancellationToken cancellationToken)
    {
        if (!LooksLikeCode(code))
        {
            return false;
        }

        var totp = new Totp(Base32Encoding.ToBytes(Secret(enrolment)), step: 30, mode: OtpHashMode.Sha1, totpSize: 6);
        var now = clock.GetUtcNow().UtcDateTime;
        if (!totp.VerifyTotp(now, code, out var step, s_window) || step <= (enrolment.LastAcceptedStep ?? -1))
        {
            return false;
        }

        var claimed = await db.Set<TwoFactorEnrolment>()
            .Where(e => e.UserId == enrolment.UserId && (e.LastAcceptedStep == null || e.LastAcceptedStep < step))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.LastAcceptedStep, step).SetProperty(e => e.LastUsedAt, now), cancellationToken);
        if (claimed == 1)
        {
            enrolment.LastAcceptedStep = step;
            enrolment.LastUsedAt = now;
        }

        return claimed == 1;
    }
}

/// <summary>Ten single-use recovery codes per user, shown once and stored as hashes.</summary>
public sealed class RecoveryCodes(CrmDb db, TimeProvider clock)
{
    public const int Count = 10;

    // Crockford's base32 without I, L, O, U: nothing to confuse when read from paper.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Sixteen characters (80 bits) in groups of four, like 7K3M-Q9TZ-…</summary>
    public static bool LooksLikeCode(string normalised) => normalised.Length == 16 && normalised.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>Upper case without spaces or hyphens, so a code is accepted however it was copied.</summary>
    public static string Normalise(string? code) =>
        new((code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());

    /// <summary>Replaces the user's codes with <see cref="Count"/> new ones (on the caller's unit of work) and returns them, the only time they exist in clear.</summary>
    public async Task<IReadOnlyList<string>> ReplaceAsync(Guid userId, CancellationToken cancellationToken)
    {
        await db.Set<RecoveryCode>().Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var codes = new List<string>(Count);
        for (var i = 0; i < Count; i++)
        {
            var code = RandomNumberGenerator.GetString(Alphabet, 16);
            codes.Add(string.Join('-', code.Chunk(4).Select(c => new string(c))));
            db.Set<RecoveryCode>().Add(new RecoveryCode { Id = Guid.CreateVersion7(), UserId = userId, CodeHash = Hash(code), CreatedAt = now });
        }

        return codes;
    }

    /// <summary>Uses one of the user's unused codes; false if none matches. The conditional update makes each code good for one sign-in only.</summary>
    public async Task<bool> UseAsync(Guid userId, string normalised, CancellationToken cancellationToken)
    {
        if (!LooksLikeCode(normalised))
        {
            return false;
        }

        var hash = Hash(normalised);
        var now = clock.GetUtcNow().UtcDateTime;
        var used = await db.Set<RecoveryCode>()
            .Where(c => c.UserId == userId && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, now), cancellationToken);
        if (used == 1)
        {
            await db.Set<TwoFactorEnrolment>().Where(e => e.UserId == userId)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.LastUsedAt, now), cancellationToken);
        }

        return used == 1;
    }

    public Task<int> LeftAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Set<RecoveryCode>().CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken);

    private static string Hash(string normalised) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normalised)));
}
