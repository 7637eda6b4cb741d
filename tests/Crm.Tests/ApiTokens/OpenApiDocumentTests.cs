using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Web.Web;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Crm.Tests.ApiTokens;

/// <summary>
/// The served OpenAPI document is read by a real OpenAPI reader (Microsoft.OpenApi, the library
/// the app's own document generator is built on) with its default validation rules; any error
/// or warning it reports fails the test. It must also describe the auth schemes, the webhook
/// payloads and the errors.
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_served_openapi_document_is_valid_and_describes_auth_webhooks_and_errors()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var text = await admin.Http.GetStringAsync("/api/v1/openapi.json");

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var settings = new OpenApiReaderSettings();
        var read = await OpenApiDocument.LoadAsync(stream, "json", settings);
        Assert.NotNull(read.Document);
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0,
            "reader: " + string.Join(Environment.NewLine, read.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        var document = read.Document!;
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, "validation: " + string.Join(Environment.NewLine, errors.Take(40).Select(e => $"{e.Pointer}: {e.Message}")));

        // Auth: both ways in are declared and required by default.
        Assert.Contains("bearer", document.Components!.SecuritySchemes!.Keys);
        Assert.Contains("session", document.Components.SecuritySchemes.Keys);
        Assert.NotEmpty(document.Security!);

        // Webhooks: the payload of each delivery.
        Assert.True(document.Webhooks!.ContainsKey("recordEvent"));

        // Errors: the problem details shape with its documented types, and every operation answers with it.
        var problem = document.Components.Schemas!["ProblemDetails"];
        Assert.NotNull(problem.Properties!["type"]);
        Assert.All(ProblemTypes.All, t => Assert.Contains(t.Uri, text, StringComparison.Ordinal));
        Assert.All(document.Paths!.SelectMany(p => p.Value.Operations!.Select(o => (p.Key, o.Key, o.Value))),
            op => Assert.True(op.Value.Responses!.ContainsKey("default"), $"{op.Item2} {op.Item1} has no error answer"));
    }
}
