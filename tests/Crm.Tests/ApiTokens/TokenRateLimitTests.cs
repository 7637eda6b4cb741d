using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.ApiTokens;

public sealed class TokenRateLimitTests
{
    [Fact]
    public async Task Each_token_gets_its_own_allowance_and_beyond_it_a_429_with_Retry_After()
    {
        await using var app = new CrmApp().With("ApiTokens:RequestsPerMinute", "3");
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var first = TokenKit.Integration(app, (await TokenKit.CreateByApiAsync(admin, "ERP", sync.Id)).GetProperty("token").GetString()!);
        var second = TokenKit.Integration(app, (await TokenKit.CreateByApiAsync(admin, "Shop", sync.Id)).GetProperty("token").GetString()!);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/me")).StatusCode);
        }

        var refused = await first.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(Crm.Web.Web.ProblemTypes.RateLimited.Uri, problem.GetProperty("type").GetString());

        // Another token of the same user, a wrong token and the administrator's session are not held back by the first one.
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);
        await TokenKit.AssertRefusedAsync(await TokenKit.Integration(app, "crm_abcdefgh_" + new string('A', 43)).GetAsync("/api/v1/me"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/api/v1/me")).StatusCode);
        }
    }
}
