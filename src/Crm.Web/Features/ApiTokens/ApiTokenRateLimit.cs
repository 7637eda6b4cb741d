using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// Each API token may make <c>ApiTokens:RequestsPerMinute</c> requests a minute (default 600);
/// beyond that the answer is 429 with Retry-After. It is ASP.NET Core's rate limiter, a second
/// one placed after authentication: partitioned by the token the request authenticated as, so a
/// wrong or unknown token cannot spend a real token's allowance, and cookie sessions are not counted.
/// </summary>
public static class ApiTokenRateLimit
{
    public const string RequestsPerMinuteSetting = "ApiTokens:RequestsPerMinute";
    public const int DefaultRequestsPerMinute = 600;

    public static IApplicationBuilder UseApiTokenRateLimit(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        var perMinute = configuration.GetValue(RequestsPerMinuteSetting, DefaultRequestsPerMinute);
        if (perMinute < 1)
        {
            throw new InvalidOperationException($"{RequestsPerMinuteSetting} must be at least 1 (it is {perMinute}).");
        }

        var options = new RateLimiterOptions
        {
            RejectionStatusCode = StatusCodes.Status429TooManyRequests,
            GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.FindFirst(ApiTokenAuthentication.TokenClaim)?.Value is { } tokenId
                    ? RateLimitPartition.GetFixedWindowLimiter(tokenId, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        // No queue: an integration is told at once when to come back.
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("not a token")),
            OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too many requests for this API token.",
                        detail: $"This token may make {perMinute} requests a minute. Try again in {seconds} seconds.",
                        extensions: new Dictionary<string, object?> { ["requestId"] = context.HttpContext.TraceIdentifier })
                    .ExecuteAsync(context.HttpContext);
            },
        };
        return app.UseRateLimiter(options);
    }
}
