using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// Signing the Standard Webhooks way: HMAC-SHA256 with the secret's bytes (the base64 after
/// <c>whsec_</c>) over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, sent as <c>v1,</c> + base64;
/// several signatures (a rotation) are separated by spaces.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>32 random bytes: above the 24 the specification asks as a minimum.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The header value: one signature per secret still valid, newest first.</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));
}
