using System.Security.Claims;
using System.Text.Encodings.Web;
using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer crm_…</c> on API requests. Like the session check
/// (ADR 0003), it reads the token and its user from the database on every request, so revoking
/// the token, its expiry or deactivating the user bites on the very next call.
/// </summary>
public sealed partial class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CrmDb db,
    ApiTokenUsage usage,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>The default scheme: a Bearer header selects the token, anything else the session cookie.</summary>
    public const string CookieOrTokenScheme = "CookieOrApiToken";

    /// <summary>The claim naming the token, beside the user's id.</summary>
    public const string TokenClaim = "crm:api-token";

    // Tokens open the API only: pages rely on cookies and antiforgery, which a token does not fit.
    private static readonly PathString s_apiPath = "/api";

    private const string NotValid = "The API token is not valid.";

    /// <summary>Whether the request names a Bearer credential, which then decides alone (no cookie fallback).</summary>
    public static bool CarriesBearer(HttpRequest request) =>
        request.Headers.Authorization.Any(v => v is not null && v.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Path.StartsWithSegments(s_apiPath))
        {
            return AuthenticateResult.Fail("API tokens are accepted by the API (/api/v1) only.");
        }

        var headers = Request.Headers.Authorization;
        var presented = headers.Count == 1 && headers[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;
        if (!ApiTokenFormat.TryParse(presented, out var prefix, out var secret))
        {
            // Not even the prefix is logged: a malformed value may be some other secret pasted by mistake.
            LogMalformed(Logger);
            return AuthenticateResult.Fail("The Authorization header does not hold a CRM API token (Bearer crm_...).");
        }

        var found = await (
                from t in db.ApiTokens
                where t.Prefix == prefix
                join u in db.Users on t.UserId equals u.Id
                select new { t.Id, t.Name, t.Scopes, t.SecretHash, t.ExpiresAt, t.RevokedAt, t.UserId, u.Email, u.FullName, u.IsActive, u.IsAdministrator })
            .FirstOrDefaultAsync(Context.RequestAborted);

        // Unknown prefix and wrong secret get the same answer.
        if (found is null || !ApiTokenFormat.Matches(secret, found.SecretHash))
        {
            return Refuse(prefix, NotValid);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        switch (ListApiTokens.StatusOf(found.RevokedAt, found.ExpiresAt, found.IsActive, now))
        {
            case ApiTokenStatus.Revoked:
                return Refuse(prefix, "The API token has been revoked.");
            case ApiTokenStatus.Expired:
                return Refuse(prefix, "The API token has expired.");
            case ApiTokenStatus.UserInactive:
                return Refuse(prefix, "The user this API token acts as is deactivated.");
            case ApiTokenStatus.Active:
            default:
                break;
        }

        // Counted as the answer starts (its status known, before the caller sees it), written later
        // in a batch: no write per request.
        Response.OnStarting(() =>
        {
            usage.Count(found.Id, Response.StatusCode);
            return Task.CompletedTask;
        });

        // Integrations have no browser to choose a password in: the temporary-password gate does not apply to them.
        // A scoped token is no administrator for the administration (which is no module it could be
        // scoped to); the engine still starts from its user's rights, narrowed to the scopes.
        var scopes = TokenScopes.FromStored(found.Scopes);
        Context.Features.Set(new SignedInUser(found.UserId, Guid.Empty, found.Email ?? "", found.FullName, found.IsAdministrator && scopes is null, MustChangePassword: false)
        {
            ApiTokenName = found.Name,
            ApiTokenScopes = scopes,
        });

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, found.UserId.ToString()),
                new Claim(ClaimTypes.Name, found.Email ?? ""),
                new Claim(TokenClaim, found.Id.ToString()),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>401 as ProblemDetails with <c>WWW-Authenticate: Bearer</c> (RFC 6750); never a redirect.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var reason = result.Failure?.Message ?? "An API token is required.";
        Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{reason.Replace('"', '\'')}\"";
        await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The API token was refused.",
                detail: reason,
                extensions: new Dictionary<string, object?> { ["requestId"] = Context.TraceIdentifier })
            .ExecuteAsync(Context);
    }

    private AuthenticateResult Refuse(string prefix, string reason)
    {
        LogRefused(Logger, prefix, reason);
        return AuthenticateResult.Fail(reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API token {Prefix} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string prefix, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A malformed API token was refused")]
    private static partial void LogMalformed(ILogger logger);
}
