using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.ApiTokens;

/// <summary>
/// Every error of every endpoint under /api/v1 is RFC 9457 problem details with a type from the
/// documented list (Web/ProblemTypes): provoked anonymously, with a staff member's token and a
/// malformed body, and with an administrator's token on ids that do not exist.
/// </summary>
public sealed class ApiProblemTypeTests
{
    [Fact]
    public async Task Every_api_error_is_problem_details_with_a_documented_type()
    {
        await using var app = new CrmApp().With("Crm:MaxRequestBodyBytes", "65536");
        var staffUser = await app.CreateUserAsync("staff@crm.test", TokenKit.Password);
        await app.InDatabaseAsync(async db =>
        {
            var user = await db.Users.FindAsync(staffUser.Id);
            user!.RoleId = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Roles, r => r.Id != Crm.Web.Features.Roles.DefaultRoles.AdministratorRoleId)).Id;
            return await db.SaveChangesAsync();
        });
        var admin = await app.SignInAsAdminAsync();
        var staff = TokenKit.Integration(app, (await TokenKit.CreateByApiAsync(admin, "Staff sync", staffUser.Id)).GetProperty("token").GetString()!);
        var administrator = TokenKit.Integration(app, (await TokenKit.CreateByApiAsync(admin, "Admin sync", await app.AdminIdAsync(), acknowledge: true)).GetProperty("token").GetString()!);
        var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var known = ProblemTypes.All.Select(t => t.Uri).ToHashSet();
        var seen = new HashSet<string>();
        var failures = new List<string>();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal)).ToList();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} API endpoints found");

        async Task CheckAsync(HttpClient client, string method, string path, HttpContent? body, string who)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body };
            using var response = await client.SendAsync(request);
            if ((int)response.StatusCode < 400)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync();
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{who} {method} {path}: {(int)response.StatusCode} as {response.Content.Headers.ContentType?.MediaType ?? "no body"}");
                return;
            }

            using var problem = JsonDocument.Parse(text);
            var type = problem.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is null || !known.Contains(type) || problem.RootElement.GetProperty("status").GetInt32() != (int)response.StatusCode)
            {
                failures.Add($"{who} {method} {path}: {(int)response.StatusCode} with type {type ?? "(none)"}");
                return;
            }

            seen.Add(type);
        }

        foreach (var endpoint in endpoints)
        {
            var path = SamplePath("/" + endpoint.RoutePattern.RawText!.TrimStart('/'));
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var sendsBody = method is "POST" or "PUT" or "PATCH";
                await CheckAsync(anonymous, method, path, sendsBody ? Json("{}") : null, "anonymous");
                // A staff member's token: refused, not found, or a body it cannot read.
                await CheckAsync(staff, method, path, sendsBody ? Json("{\"name\": ") : null, "staff");
                // An administrator's token: a body with every field empty, or an id that does not exist; nothing is deleted.
                if (method != "DELETE")
                {
                    await CheckAsync(administrator, method, path, sendsBody ? Json("{}") : null, "administrator");
                }
            }
        }

        // The kinds a sweep does not reach on its own: a method the address does not take, a body
        // too large, not JSON, an unknown address.
        await CheckAsync(administrator, "PATCH", "/api/v1/me", Json("{}"), "administrator");
        await CheckAsync(administrator, "POST", "/api/v1/companies", Json($"{{\"name\":\"{new string('x', 70_000)}\"}}"), "administrator");
        await CheckAsync(administrator, "POST", "/api/v1/companies", new StringContent("name=x", Encoding.UTF8, "text/plain"), "administrator");
        await CheckAsync(administrator, "GET", "/api/v1/no-such-thing", null, "administrator");

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(40)));
        Assert.Subset(seen, new[]
        {
            ProblemTypes.Validation, ProblemTypes.MalformedRequest, ProblemTypes.Unauthenticated, ProblemTypes.Forbidden,
            ProblemTypes.NotFound, ProblemTypes.MethodNotAllowed, ProblemTypes.PayloadTooLarge, ProblemTypes.UnsupportedMediaType,
        }.Select(t => t.Uri).ToHashSet());

        // The types are documented where they point.
        var (_, help) = await admin.GetPageAsync(ProblemTypes.HelpPath);
        Assert.All(ProblemTypes.All, t => Assert.Contains(t.Uri, help.Body!.TextContent, StringComparison.Ordinal));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string SamplePath(string route) => System.Text.RegularExpressions.Regex.Replace(
        route, @"\{([^}:?]+)(:[^}?]+)?\??\}", m => m.Groups[2].Value switch
        {
            var c when c.Contains("int", StringComparison.Ordinal) || c.Contains("long", StringComparison.Ordinal) => "987654",
            var c when c.Contains("guid", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
            _ => "sample",
        });
}
