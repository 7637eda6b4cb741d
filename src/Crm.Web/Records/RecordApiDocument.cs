using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
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
            options.AddOperationTransformer(DescribeListQuery);
            var custom = new CustomFieldsSchema();
            options.AddSchemaTransformer(custom.TransformAsync);
        });

    /// <summary>Where the keys of a module's custom fields are listed, named by every description of them.</summary>
    public const string CustomFieldsList = "/api/v1/custom-fields?module={module}";

    /// <summary>The query parameter that stands for every custom field filter (<c>cf.industry=Retail</c>).</summary>
    public const string CustomFilterParameter = "cf.{key}";

    /// <summary>
    /// Gives the schemas of the records, bodies and list items of the kit's routes that carry
    /// <c>customFields</c> (<see cref="RecordCustomFieldsMetadata"/>) that property: an object whose keys
    /// are the module's custom fields, each a scalar or an array of choices. The types are read once
    /// per app from the routes' metadata.
    /// </summary>
    private sealed class CustomFieldsSchema
    {
        private HashSet<Type>? _described;

        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            _described ??=
            [
                .. context.ApplicationServices.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
                    .SelectMany(g => g.Items)
                    .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<RecordCustomFieldsMetadata>())
                    .SelectMany(m => m.Described),
            ];
            if (_described.Contains(context.JsonTypeInfo.Type))
            {
                schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                schema.Properties[OwnedRecordEndpoints.CustomFieldsProperty] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "The record's custom fields, by key: the fields an administrator added to the module, those you may see "
                        + $"(admin-only fields and fields your role hides are absent). Their keys, labels and types are listed at {CustomFieldsList}. "
                        + "A read gives each field's value as text in its canonical form (a number as 1234.5, a date as 2026-12-31, an instant in UTC, "
                        + "a checkbox as true or false, a multi-select's choices as \"Retail, Banking\"), or null when the record has none. "
                        + "A create or update may send a string, a number, true or false, an array of a multi-select's choices, or null to clear; "
                        + "an update changes only the keys it sends.",
                    AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean | JsonSchemaType.Array | JsonSchemaType.Null,
                        Items = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                };
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A module's list and export routes (the addresses where <see cref="CustomFieldListFilters"/> applies):
    /// the custom field filter, one parameter standing for all of them, and the custom field sorts in <c>sort</c>'s description.
    /// </summary>
    private static Task DescribeListQuery(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.HttpMethod != HttpMethods.Get || CustomFieldListFilters.ModuleOfListAddress(context.Description.RelativePath) is not { } module)
        {
            return Task.CompletedTask;
        }

        var list = CustomFieldsList.Replace("{module}", module, StringComparison.Ordinal);
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = CustomFilterParameter,
            In = ParameterLocation.Query,
            Required = false,
            Description = "Filters by a custom field: replace {key} by the field's key (listed at " + list + "), as in cf.industry=Retail; "
                + "repeat with other keys to filter on several fields (all must match). A select or multi-select takes one of its choices, "
                + "a checkbox yes or no (no: not ticked or never set), the other types an equal value as written in customFields; "
                + "long text (textarea) cannot be filtered. A key you may not see is refused as an unknown one (400, the message under cf.{key}).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        if (operation.Parameters.FirstOrDefault(p => p.Name == "sort") is OpenApiParameter sort)
        {
            sort.Description = (sort.Description is { Length: > 0 } given ? given + " " : "")
                + $"Also cf.{{key}} to sort by a custom field (listed at {list}), -cf.{{key}} for descending; records without a value come last either way, "
                + "ties are broken by id, and paging keeps the order. Long text cannot sort; a key you may not see is refused (400, the message under sort).";
        }

        return Task.CompletedTask;
    }

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
