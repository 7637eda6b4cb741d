using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Health;

/// <summary>
/// The one credential <c>/metrics</c> accepts: <c>Authorization: Bearer &lt;Metrics:Token&gt;</c>,
/// compared in constant time. A scraper is not a person (no session, no API token of a user), and the
/// page is never anonymous (ADR 0031). Without a token of at least <see cref="MinimumLength"/>
/// characters configured, <c>/metrics</c> is not mapped at all (a 404).
/// </summary>
public sealed class MetricsToken(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "MetricsToken";
    public const string Policy = "MetricsScraper";
    public const string Setting = "Metrics:Token";
    public const int MinimumLength = 16;

    public static bool IsConfigured(IConfiguration configuration) => configuration[Setting] is { Length: >= MinimumLength } token && !string.IsNullOrWhiteSpace(token);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!IsConfigured(configuration))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var headers = Request.Headers.Authorization;
        var presented = headers.Count == 1 && headers[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hashes of equal length, so the comparison's time says nothing about the token's length either.
        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configuration[Setting]!)));
        if (!matches)
        {
            return Task.FromResult(AuthenticateResult.Fail("The metrics token is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "metrics scraper")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
        return Task.CompletedTask;
    }
}
