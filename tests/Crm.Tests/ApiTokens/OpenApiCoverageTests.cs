using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.ApiTokens;

/// <summary>
/// Every endpoint under <c>/api/v1</c> the app serves is in the OpenAPI document, with each of its
/// methods, and the document names no operation the app does not serve: an integrator who
/// generates a client from the document reaches the whole API, and a new endpoint cannot be left
/// out by forgetting a line. Found by enumeration, as the authorization sweep finds its endpoints.
/// The only ones left out on purpose say so in their own registration (ExcludeFromDescription) and
/// are named here with the reason.
/// </summary>
public sealed partial class OpenApiCoverageTests
{
    [Fact]
    public async Task Every_api_endpoint_is_in_the_openapi_document_and_the_document_names_only_served_ones()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        using var document = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/openapi.json"));
        var described = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(operation => $"{operation.Name.ToUpperInvariant()} {Normalized(path.Name)}"))
            .ToHashSet(StringComparer.Ordinal);

        _ = app.Server;
        var served = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new List<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = Normalized("/" + endpoint.RoutePattern.RawText!.TrimStart('/'));
            if (!route.StartsWith("/api/v1/", StringComparison.Ordinal) || route == "/api/{}/openapi.json")
            {
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                var operation = $"{method} {route}";
                if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
                {
                    excluded.Add(operation);
                }
                else
                {
                    served.Add(operation);
                }
            }
        }

        Assert.True(served.Count > 100, $"only {served.Count} API operations found: the enumeration is broken");
        var missing = served.Except(described).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "served but not in the OpenAPI document:\n" + string.Join("\n", missing));
        var unserved = described.Except(served).Order(StringComparer.Ordinal).ToList();
        Assert.True(unserved.Count == 0, "in the OpenAPI document but not served:\n" + string.Join("\n", unserved));

        // Left out on purpose: an export addressed by its file name (/export.csv), the same operation
        // as the described /export?format=csv. Anything else left out must be argued for here.
        Assert.All(excluded, operation => Assert.Matches(ExportDownload(), operation));
    }

    // "/api/v1/deals/{id:int}", "/api/v1/deals/{id}" and a group's "/api/v1/deals/" with "/api/v1/deals": the same
    // path, parameter names, constraints and a trailing slash aside.
    private static string Normalized(string route) => Parameter().Replace(route, "{}").TrimEnd('/');

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^GET /api/v1/[a-z-]+/export\.\{\}$")]
    private static partial Regex ExportDownload();
}
