using System.Text.Json.Nodes;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// The JSON Schema of every webhook body, served at <c>/api/v1/webhooks/payload-schema</c> so an
/// integrator can validate what arrives. A record's own fields are those of the module's GET in the
/// OpenAPI document, less what the integration user may not see.
/// </summary>
public static class WebhookPayloadSchema
{
    public static JsonObject Build()
    {
        var types = new JsonArray(WebhookCatalog.Modules
            .SelectMany(m => WebhookCatalog.CommonEvents.Concat(m.ModuleEvents).Append(WebhookCatalog.Automation).Select(e => (JsonNode)$"{m.Key}.{e}"))
            .Append(WebhookCatalog.TestEvent).ToArray());
        var modules = new JsonArray(WebhookCatalog.Modules.Select(m => (JsonNode)m.Key).ToArray());
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "CRM webhook payload",
            ["description"] = "Signed the Standard Webhooks way (headers webhook-id, webhook-timestamp, webhook-signature). A retry or replay carries the same webhook-id and body.",
            ["type"] = "object",
            ["required"] = new JsonArray("type", "timestamp", "data"),
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["enum"] = types, ["description"] = "{module}.{event}, {module}.automation (sent by an automation rule), or webhook.test." },
                ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the change was made (UTC)." },
                ["data"] = new JsonObject
                {
                    ["oneOf"] = new JsonArray(
                        new JsonObject
                        {
                            ["description"] = "A created, updated or otherwise changed record, as the endpoint's integration user reads it through GET /api/v1/{module}/{id}.",
                            ["type"] = "object",
                            ["required"] = new JsonArray("module", "id", "record"),
                            ["properties"] = new JsonObject
                            {
                                ["module"] = new JsonObject { ["enum"] = modules.DeepClone() },
                                ["id"] = new JsonObject { ["type"] = "integer" },
                                ["record"] = new JsonObject { ["type"] = "object", ["description"] = "Fields hidden from the integration user are absent." },
                                ["rule"] = new JsonObject
                                {
                                    ["type"] = "object",
                                    ["description"] = "{module}.automation only: the automation rule that called the endpoint.",
                                    ["properties"] = new JsonObject { ["id"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" }, ["name"] = new JsonObject { ["type"] = "string" } },
                                },
                                ["changes"] = new JsonObject
                                {
                                    ["type"] = "object",
                                    ["description"] = "Updates only: each changed field the integration user may see, with its old and new value.",
                                    ["additionalProperties"] = new JsonObject
                                    {
                                        ["type"] = "object",
                                        ["properties"] = new JsonObject { ["old"] = new JsonObject(), ["new"] = new JsonObject() },
                                    },
                                },
                            },
                        },
                        new JsonObject
                        {
                            ["description"] = "A deleted record: its id and label only.",
                            ["type"] = "object",
                            ["required"] = new JsonArray("module", "id", "label"),
                            ["additionalProperties"] = false,
                            ["properties"] = new JsonObject
                            {
                                ["module"] = new JsonObject { ["enum"] = modules.DeepClone() },
                                ["id"] = new JsonObject { ["type"] = "integer" },
                                ["label"] = new JsonObject { ["type"] = "string" },
                            },
                        },
                        new JsonObject
                        {
                            ["description"] = "webhook.test: sent by an administrator to try the endpoint.",
                            ["type"] = "object",
                            ["required"] = new JsonArray("endpointId", "message"),
                            ["properties"] = new JsonObject
                            {
                                ["endpointId"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
                                ["message"] = new JsonObject { ["type"] = "string" },
                            },
                        }),
                },
            },
        };
    }
}
