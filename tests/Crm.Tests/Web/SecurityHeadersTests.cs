using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Web;

public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/health/live")]
    [InlineData("/api/v1/me")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string url)
    {
        await using var app = new CrmApp();
        var response = await app.NewClient().Http.GetAsync(url);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Pages_carry_no_inline_script_or_style()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();
        foreach (var url in new[] { "/", "/account", "/account/change-password", "/help/home" })
        {
            var (_, page) = await client.GetPageAsync(url);
            Assert.All(page.QuerySelectorAll("script"), s => Assert.True(s.HasAttribute("src"), $"inline script on {url}"));
            Assert.Empty(page.QuerySelectorAll("style, [style], [onclick], [onload]"));
            Assert.False(string.IsNullOrWhiteSpace(page.Title), $"{url} has no title");
            Assert.All(page.QuerySelectorAll("input:not([type=hidden])"), i =>
                Assert.NotNull(page.QuerySelector($"label[for='{i.Id}']")));
        }
    }

    [Fact]
    public async Task Not_found_pages_and_api_answers_leak_nothing()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();

        var page = await client.Http.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Not found", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var api = await client.Http.GetAsync("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_unhandled_failure_shows_a_plain_500_page_with_a_request_id_and_no_details()
    {
        await using var app = new CrmApp();
        await using var failing = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter, FailingRoute>()));
        var jar = new CookieJar();
        var client = new PageClient(failing.CreateDefaultClient(new Uri("http://localhost"), jar), jar);
        await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });

        foreach (var path in new[] { "/test/fail", "/api/test/fail" })
        {
            var response = await client.Http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.DoesNotContain("SECRET-DETAIL", body, StringComparison.Ordinal);
            Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
            Assert.Contains("equest", body, StringComparison.Ordinal); // "Request ID" / "requestId"
        }
    }

    /// <summary>A route that fails after the whole pipeline, as a bug in a feature would.</summary>
    private sealed class FailingRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(context => context.Request.Path.Value!.EndsWith("/test/fail", StringComparison.Ordinal)
                ? throw new InvalidOperationException("SECRET-DETAIL connection string")
                : Task.CompletedTask);
        };
    }
}
