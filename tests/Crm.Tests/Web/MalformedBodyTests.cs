using System.Text;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Web;

/// <summary>
/// Every API endpoint that reads a body, enumerated from the endpoint list, gets malformed bodies
/// of each kind (invalid JSON, another charset, a wrong content type, a truncated multipart body,
/// an empty body, the wrong JSON shape): none may end in a 500, and every refusal is problem
/// details, so a client learns what was wrong. Sent by an administrator, so no permission check
/// answers first.
/// </summary>
public sealed class MalformedBodyTests
{
    private static readonly (string Kind, Func<HttpContent> Body)[] s_bodies =
    [
        ("invalid JSON", () => new StringContent("{\"name\":", Encoding.UTF8, "application/json")),
        ("UTF-7 charset", () => WithType("{\"name\":\"x\"}", "application/json; charset=utf-7")),
        ("Latin-1 charset", () => WithType("{\"name\":\"x\"}", "application/json; charset=iso-8859-1")),
        ("wrong content type", () => WithType("name=x", "text/plain")),
        ("unparsable content type", () => WithType("{}", "application/json; ===")),
        ("truncated multipart", () => WithType("--x\r\n\r\n", "multipart/form-data; boundary=x")),
        ("multipart without boundary", () => WithType("--x\r\n", "multipart/form-data")),
        ("empty JSON body", () => WithType("", "application/json")),
        ("a JSON array", () => new StringContent("[1,2,3]", Encoding.UTF8, "application/json")),
        ("wrong JSON types", () => new StringContent("{\"name\":5,\"version\":\"x\",\"companyIds\":\"y\",\"newOwnerId\":7}", Encoding.UTF8, "application/json")),
        ("control characters", () => new StringContent("{\"name\":\"\\u0000\\u0001\\u001b\"}", Encoding.UTF8, "application/json")),
    ];

    private static ByteArrayContent WithType(string text, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    [Fact]
    public async Task No_malformed_body_ends_in_a_500_on_any_endpoint_that_reads_one()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => e.Route.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Methods.Where(m => m is "POST" or "PUT" or "PATCH").Select(m => (e.Route, Method: m)))
            .ToList();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints read a body");

        var failures = new List<string>();
        foreach (var (route, method) in endpoints)
        {
            var path = SamplePath(route);
            foreach (var (kind, body) in s_bodies)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body() };
                using var response = await admin.Http.SendAsync(request);
                var status = (int)response.StatusCode;
                var type = response.Content.Headers.ContentType?.MediaType;
                if (status >= 500)
                {
                    failures.Add($"{method} {path} with {kind}: {status}");
                }
                else if (status >= 400 && response.Content.Headers.ContentLength != 0 && type != "application/problem+json")
                {
                    failures.Add($"{method} {path} with {kind}: {status} as {type}, not problem details");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_on_every_endpoint_that_reads_one_and_every_page_form()
    {
        // Small limits, so a small body is over them: the general one and the uploads' own (Files:MaxBytes + 64 KiB).
        await using var app = new CrmApp().With("Crm:MaxRequestBodyBytes", "4096").With("Files:MaxBytes", "1024");
        var admin = await app.SignInAsAdminAsync();
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"],
                OwnLimit: e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>() is not null))
            .SelectMany(e => e.Methods.Where(m => m is "POST" or "PUT" or "PATCH").Select(m => (e.Route, Method: m, e.OwnLimit)))
            .Distinct()
            .ToList();
        Assert.True(endpoints.Count >= 60, $"only {endpoints.Count} endpoints and pages read a body");

        var failures = new List<string>();
        var oversized = new string('x', 200 * 1024);
        foreach (var (route, method, ownLimit) in endpoints)
        {
            var path = SamplePath(route);
            var api = route.StartsWith("/api/", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = api ? new StringContent($"{{\"name\":\"{oversized}\"}}", Encoding.UTF8, "application/json")
                    : new FormUrlEncodedContent([new("Input.Name", oversized)]),
            };
            using var response = await admin.Http.SendAsync(request);
            if (ownLimit && response.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.RequestEntityTooLarge)
            {
                continue; // an upload: it reads its body itself and refuses a file over its limit in its own words (400)
            }

            if (response.StatusCode != System.Net.HttpStatusCode.RequestEntityTooLarge)
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode}");
            }
            else if (api && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {path}: 413 as {response.Content.Headers.ContentType?.MediaType}, not problem details");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Under the limit, the same kind of request is read as usual.
        var small = await admin.PostJsonAsync("/api/v1/companies", """{"name":"Small enough"}""");
        Assert.Equal(System.Net.HttpStatusCode.Created, small.StatusCode);
    }

    /// <summary>Fills route parameters so the route matches (ids that do not exist).</summary>
    private static string SamplePath(string route) => System.Text.RegularExpressions.Regex.Replace(
        route, @"\{([^}:?]+)(:[^}?]+)?\??\}", m => m.Groups[2].Value switch
        {
            var c when c.Contains("int", StringComparison.Ordinal) || c.Contains("long", StringComparison.Ordinal) => "1",
            var c when c.Contains("guid", StringComparison.Ordinal) => Guid.Empty.ToString(),
            _ => m.Groups[1].Value == "module" ? "contacts" : "sample",
        });
}
