using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// The webhooks section of the OpenAPI document (3.1): what the CRM POSTs to an endpoint, its
/// signature headers and the answers it understands. The full JSON Schema of the body, with each
/// event's data, is served at <c>/api/v1/webhooks/payload-schema</c> (<see cref="WebhookPayloadSchema"/>).
/// </summary>
public sealed class WebhookOpenApi : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var types = WebhookCatalog.Modules
            .SelectMany(m => WebhookCatalog.CommonEvents.Concat(m.ModuleEvents).Select(e => $"{m.Key}.{e}"))
            .Append(WebhookCatalog.TestEvent);
        var operation = new OpenApiOperation
        {
            Summary = "A record event (or webhook.test), POSTed to each subscribed endpoint.",
            Description = "Signed the Standard Webhooks way: webhook-signature is \"v1,\" + base64(HMAC-SHA256(secret, webhook-id + \".\" + webhook-timestamp + \".\" + body)), "
                + "with the whsec_ secret shown once; during a rotation two signatures are sent, separated by a space. A retry or replay carries the same webhook-id: "
                + "use it to de-duplicate. The full JSON Schema of the body is served at /api/v1/webhooks/payload-schema.",
            Parameters =
            [
                Header("webhook-id", "Stable id of this delivery; the same on every retry and replay."),
                Header("webhook-timestamp", "Seconds since 1970-01-01 UTC when this attempt was signed; refuse ones too far from now."),
                Header("webhook-signature", "One or more space-separated v1,<base64> signatures."),
            ],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Required = new HashSet<string> { "type", "timestamp", "data" },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                ["type"] = new OpenApiSchema
                                {
                                    Type = JsonSchemaType.String,
                                    Description = "{module}.{event}, or webhook.test.",
                                    Enum = [.. types.Select(t => (JsonNode)t)],
                                },
                                ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "When the change was made (UTC)." },
                                ["data"] = new OpenApiSchema
                                {
                                    Type = JsonSchemaType.Object,
                                    Description = "A changed record as the endpoint's integration user reads it through GET /api/v1/{module}/{id} (module, id, record, and for updates changes: field → {old, new}); "
                                        + "a deleted record's module, id and label only; for webhook.test, endpointId and message. Fields and records the integration user may not see are never sent.",
                                },
                            },
                        },
                    },
                },
            },
            Responses = new OpenApiResponses
            {
                ["2XX"] = new OpenApiResponse { Description = "Received. Any other answer, or none within 15 seconds, is retried on the schedule (about a day)." },
                ["410"] = new OpenApiResponse { Description = "Gone: the endpoint is disabled at once." },
            },
        };
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        document.Webhooks["recordEvent"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation },
        };
        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
