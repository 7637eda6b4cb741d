using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Web.Records;

/// <summary>
/// The name a body type has in the API's OpenAPI document when it differs from the type's own: a
/// use case's input bound straight from the body keeps the name its old wire type had
/// (<c>ProductInput</c> is still <c>ProductRequest</c>), so generated clients see no change.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ApiSchemaNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>How the kit's routes describe themselves in the OpenAPI document (ADR 0020).</summary>
public static class RecordApiDocument
{
    public static IServiceCollection AddRecordApiDocument(this IServiceCollection services) =>
        services.ConfigureAll<OpenApiOptions>(options =>
        {
            var byDefault = options.CreateSchemaReferenceId;
            options.CreateSchemaReferenceId = type => type.Type.GetCustomAttribute<ApiSchemaNameAttribute>()?.Name ?? byDefault(type);
            options.AddOperationTransformer(DescribeBodyAsync);
        });

    /// <summary>
    /// The kit's create and update routes read their body as raw JSON (so that a PATCH knows which
    /// fields it names), which the document would show as "any JSON". Their <c>Accepts&lt;T&gt;</c>
    /// says what the body is; this puts that type's schema in the document instead.
    /// </summary>
    private static async Task DescribeBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var accepts = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().LastOrDefault();
        if (accepts?.RequestType is not { } type || type == typeof(JsonElement) || operation.RequestBody?.Content is not { } content
            || !context.Description.ParameterDescriptions.Any(p => p.Type == typeof(JsonElement)))
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        var name = type.GetCustomAttribute<ApiSchemaNameAttribute>()?.Name ?? type.Name;
        context.Document?.AddComponent(name, schema);
        foreach (var media in content.Values)
        {
            media.Schema = context.Document is null ? schema : new OpenApiSchemaReference(name, context.Document);
        }
    }
}
