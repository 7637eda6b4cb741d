using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Web;

/// <summary>
/// Every page and endpoint either declares an authorization policy or is on this explicit list
/// of anonymous ones. A new page without either fails here before it ships.
/// </summary>
public sealed class AuthorizationCoverageTests
{
    private static readonly HashSet<string> s_anonymousAllowList =
    [
        "/account/sign-in",
        "/account/forgot-password",
        // The second step of signing in: only the two-factor cookie of a right password lets a code be tried.
        "/account/second-step",
        "/account/{link:regex(^(reset|set)-password$)}",
        "/error/{code:int?}",
        "/help/{topic?}",
        "/health/live",
        "/health/ready",
        // The company's logos and favicon: the sign-in page shows them before anyone signs in,
        // and they are only what the company shows the world (PNG, nosniff, nothing else served).
        "/branding/{kind}/{version:int}.png",
        // The unsubscribe link of every mailing message: recipients have no account; a signed token is the key.
        "/unsubscribe",
    ];

    /// <summary>API groups that only administrators may call.</summary>
    private static readonly string[] s_administrationApis =
        ["/api/v1/users", "/api/v1/roles", "/api/v1/departments", "/api/v1/groups", "/api/v1/tokens", "/api/v1/access", "/api/v1/email-queue", "/api/v1/webhooks"];

    [Fact]
    public async Task Every_endpoint_has_an_authorization_policy_or_is_on_the_anonymous_allow_list()
    {
        await using var app = new CrmApp();
        var endpoints = Endpoints(app);
        Assert.NotEmpty(endpoints);

        var unprotected = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(Route).ToList();
        Assert.Empty(unprotected);

        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(Route).ToHashSet();
        Assert.Subset(s_anonymousAllowList, anonymous);
    }

    [Fact]
    public async Task Every_administration_endpoint_requires_the_administrator_policy()
    {
        await using var app = new CrmApp();
        var administration = Endpoints(app).Where(e => Route(e) is var r
            && (r == "/admin" || r.StartsWith("/admin/", StringComparison.Ordinal) || s_administrationApis.Any(a => r.StartsWith(a, StringComparison.Ordinal)))).ToList();

        Assert.NotEmpty(administration);
        Assert.All(administration, e => Assert.Contains(
            e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == Crm.Web.Security.Policies.Administrator));
    }

    [Fact]
    public async Task Staff_are_refused_the_administration_area_and_do_not_see_it_on_the_home_page()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin")).StatusCode);
        var (_, home) = await staff.GetPageAsync("/");
        Assert.DoesNotContain(home.QuerySelectorAll(".card-title a"), a => a.GetAttribute("href") == "/admin");

        var admin = await app.SignInAsAdminAsync();
        var (response, adminHome) = await admin.GetPageAsync("/");
        Assert.Contains(adminHome.QuerySelectorAll(".card-title a"), a => a.GetAttribute("href") == "/admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_protected_endpoint_turns_an_anonymous_caller_away()
    {
        await using var app = new CrmApp();
        var client = app.NewClient();
        var checkedRoutes = 0;

        foreach (var endpoint in Endpoints(app).Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var path = SamplePath(Route(endpoint));
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m is "GET" or "POST"))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                var response = await client.Http.SendAsync(request);
                var refused = response.StatusCode == HttpStatusCode.Unauthorized
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal))
                    || (method == "POST" && response.StatusCode == HttpStatusCode.BadRequest && !path.StartsWith("/api", StringComparison.Ordinal)); // antiforgery first
                Assert.True(refused, $"{method} {path} answered {(int)response.StatusCode} to an anonymous caller");
                checkedRoutes++;
            }
        }

        Assert.True(checkedRoutes >= 5);
    }

    private static List<RouteEndpoint> Endpoints(CrmApp app)
    {
        _ = app.Server;
        return app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
    }

    private static string Route(RouteEndpoint endpoint) => "/" + endpoint.RoutePattern.RawText!.TrimStart('/');

    /// <summary>Fills route parameters with plausible values so the route matches.</summary>
    private static string SamplePath(string route) => System.Text.RegularExpressions.Regex.Replace(
        route, @"\{([^}:?]+)(:[^}?]+)?\??\}", m => m.Groups[2].Value switch
        {
            var c when c.Contains("int", StringComparison.Ordinal) => "1",
            var c when c.Contains("guid", StringComparison.Ordinal) => Guid.Empty.ToString(),
            _ => "sample",
        });
}
