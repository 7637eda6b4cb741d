using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Web.Web;

/// <summary>
/// What the generated OpenAPI document does not know by itself: the two ways in (an API token as
/// a Bearer header, or the session cookie of the browser), required by every operation, and the
/// problem details every error is answered with (its schema, its documented types, and a
/// <c>default</c> response on each operation).
/// </summary>
public sealed class OpenApiDescription : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string ProblemSchema = "ProblemDetails";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Description = "The CRM's REST API. Authenticate with an API token (Authorization: Bearer crm_…) made by an administrator, "
            + "or with the browser's session cookie (then send the X-CSRF-TOKEN header on writes). Every error is problem details (RFC 9457) "
            + $"with a stable type, explained at {ProblemTypes.HelpPath}.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "crm_{prefix}_{secret}",
            Description = "An API token, acting as its user with the intersection of its scopes and the user's permissions.",
        };
        document.Components.SecuritySchemes["session"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = ".AspNetCore.Identity.Application",
            Description = "The browser's session after signing in; writes also need the X-CSRF-TOKEN header.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("session", document)] = [] },
        ];

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An error (RFC 9457). Program against type, not title.",
            Required = new HashSet<string> { "type", "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = string.Join(" ", ProblemTypes.All.Select(t => $"{t.Uri}: {t.Meaning}")),
                    Enum = [.. ProblemTypes.All.Select(t => (System.Text.Json.Nodes.JsonNode)t.Uri)],
                },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A sentence for people." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "For type validation: the messages of each field, by the field's name as the API spells it.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        operation.Responses["default"] = new OpenApiResponse
        {
            Description = "An error, as problem details with a documented type.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
        return Task.CompletedTask;
    }
}
