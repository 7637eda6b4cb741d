using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Crm.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>What a passkey ceremony is for; a challenge made for one is refused by the others.</summary>
public static class PasskeyPurpose
{
    public const string Add = "add";
    public const string SecondStep = "second-step";
    public const string Passwordless = "passwordless";
}

/// <summary>
/// The server side of passkey ceremonies in progress (<see cref="PasskeyChallenge"/>): started when
/// the browser asks for options, claimed once when it answers. The browser holds only the row's
/// random id, in an HttpOnly cookie, so one ceremony per browser runs at a time.
/// </summary>
public sealed class PasskeyCeremonies(CrmDb db, TimeProvider clock)
{
    public const string CookieName = "crm.passkey";

    /// <summary>As long as the browser gives the person to answer (Identity's authenticator timeout), and no longer.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task BeginAsync(HttpContext http, string purpose, Guid? userId, Guid? sessionId, string? name, string state, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Abandoned ceremonies are swept here: nothing else reads them.
        await db.Set<PasskeyChallenge>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        db.Add(new PasskeyChallenge { Id = id, Purpose = purpose, UserId = userId, SessionId = sessionId, Name = name, State = state, ExpiresAt = now + Lifetime });
        await db.SaveChangesAsync(cancellationToken);
        http.Response.Cookies.Append(CookieName, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/account",
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }

    /// <summary>
    /// The ceremony this browser started for <paramref name="purpose"/>, taken out of the store so
    /// that it cannot be answered twice; null when there is none, it expired, or another request
    /// claimed it first.
    /// </summary>
    public async Task<PasskeyChallenge?> ClaimAsync(HttpContext http, string purpose, CancellationToken cancellationToken)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var id) || string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return null;
        }

        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/account" });
        var challenge = await db.Set<PasskeyChallenge>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (challenge is null || await db.Set<PasskeyChallenge>().Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return null;
        }

        return challenge.Purpose == purpose && challenge.ExpiresAt > clock.GetUtcNow().UtcDateTime ? challenge : null;
    }

    /// <summary>
    /// Identity's passkey options from configuration (ADR 0049): the relying party id
    /// (<c>Passkeys:RelyingPartyId</c>, by default the host the browser asked for) and the origins
    /// accepted (<c>Passkeys:Origins</c>, by default the request's own scheme and host, which the
    /// reverse-proxy settings make the public one). User verification is required, so that a
    /// passkey alone (PIN or fingerprint plus the device) is two factors.
    /// </summary>
    public static void Configure(IdentityPasskeyOptions options, IConfiguration configuration)
    {
        options.ServerDomain = configuration["Passkeys:RelyingPartyId"] is { Length: > 0 } rpId ? rpId : null;
        options.UserVerificationRequirement = "required";
        options.ResidentKeyRequirement = "preferred";
        options.AttestationConveyancePreference = "none";
        options.AuthenticatorTimeout = Lifetime;
        var origins = configuration.GetSection("Passkeys:Origins").Get<string[]>() ?? [];
        options.ValidateOrigin = context =>
        {
            if (context.CrossOrigin || string.IsNullOrEmpty(context.Origin))
            {
                return ValueTask.FromResult(false);
            }

            var request = context.HttpContext.Request;
            var expected = origins.Length > 0 ? origins : [$"{request.Scheme}://{request.Host}"];
            return ValueTask.FromResult(expected.Any(o => string.Equals(o.TrimEnd('/'), context.Origin, StringComparison.OrdinalIgnoreCase)));
        };
    }
}

/// <summary>Which credential a browser's passkey answer names, read before the handler's verification to know whose it claims to be.</summary>
public sealed record PasskeyAnswer(byte[] CredentialId)
{
    /// <summary>Null when the text is not a credential at all; the handler's verification decides everything else.</summary>
    public static PasskeyAnswer? Read(string? credentialJson)
    {
        if (string.IsNullOrEmpty(credentialJson) || credentialJson.Length > 64_000)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(credentialJson);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && Base64Url.IsValid(id.GetString()!) && Base64Url.DecodeFromChars(id.GetString()) is { Length: > 0 and <= 1023 } credentialId
                ? new PasskeyAnswer(credentialId)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
