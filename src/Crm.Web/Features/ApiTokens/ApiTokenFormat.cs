using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Web.Features.ApiTokens;

/// <summary>A freshly issued token: the full text goes to the administrator once, the rest is stored.</summary>
public sealed record IssuedToken(string Prefix, string Token, string SecretHash);

/// <summary>
/// The text of an API token: <c>crm_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix (8 characters of
/// lower-case base32) finds the row; the secret (32 random bytes, base64url) is checked against
/// its stored SHA-256. A fast hash is enough here: unlike a password, the secret has 256 bits
/// of entropy, so there is nothing to brute-force from a leaked hash.
/// </summary>
public static class ApiTokenFormat
{
    public const string Marker = "crm_";
    public const int PrefixLength = 8;
    public const int SecretBytes = 32;

    /// <summary>Base64url of 32 bytes, without padding.</summary>
    public const int SecretLength = 43;

    public const int TokenLength = 4 + PrefixLength + 1 + SecretLength;

    // Lower-case Crockford base32: no i, l, o or u, so a prefix read aloud or off a screen is not misread.
    private const string PrefixAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static IssuedToken Issue()
    {
        var prefix = NewPrefix();
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return new IssuedToken(prefix, $"{Marker}{prefix}_{secret}", Convert.ToHexStringLower(Hash(secret)));
    }

    public static string NewPrefix() => new(RandomNumberGenerator.GetItems<char>(PrefixAlphabet, PrefixLength));

    /// <summary>Splits a presented token; anything not of the exact shape is refused before the database is asked.</summary>
    public static bool TryParse(string? token, [NotNullWhen(true)] out string? prefix, [NotNullWhen(true)] out string? secret)
    {
        prefix = null;
        secret = null;
        if (token is null || token.Length != TokenLength || !token.StartsWith(Marker, StringComparison.Ordinal)
            || token[Marker.Length + PrefixLength] != '_')
        {
            return false;
        }

        var prefixPart = token.Substring(Marker.Length, PrefixLength);
        var secretPart = token[(Marker.Length + PrefixLength + 1)..];
        if (!prefixPart.All(PrefixAlphabet.Contains) || !secretPart.All(IsBase64UrlCharacter))
        {
            return false;
        }

        prefix = prefixPart;
        secret = secretPart;
        return true;
    }

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, in constant time.</summary>
    public static bool Matches(string secret, string storedHash)
    {
        if (storedHash.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        byte[] expected;
        try
        {
            expected = Convert.FromHexString(storedHash);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(secret), expected);
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.ASCII.GetBytes(secret));

    private static bool IsBase64UrlCharacter(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
