using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;

namespace Crm.Tests.Records;

/// <summary>
/// The OpenAPI document of the CRM objects' routes: each create and update names its body by the
/// wire name clients have always seen (CompanyRequest, ...) with the fields a caller may set (with
/// <c>customFields</c> on every module custom fields can be added to), and each route declares what it
/// answers and how it refuses; every such module's record, list items, list filters and sorts describe its custom fields.
/// </summary>
public sealed class RecordApiDocumentTests(RecordApiDocumentTests.ServedDocument served) : IClassFixture<RecordApiDocumentTests.ServedDocument>
{
    /// <summary>One app for the class: the document is the same for every module, so it is read once.</summary>
    public sealed class ServedDocument : CrmApp
    {
        private Task<JsonDocument>? _document;

        public Task<JsonDocument> ReadAsync() => _document ??= LoadAsync();

        private async Task<JsonDocument> LoadAsync()
        {
            var admin = await SignInAsAdminAsync();
            return JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/openapi.json"));
        }
    }

    public static TheoryData<string, string, string[]> Modules => new()
    {
        { "companies", "CompanyRequest", ["name", "website", "phone", "email", "city", "address", "countryName", "ownerId", "version", "customFields"] },
        { "contacts", "ContactRequest", ["firstName", "lastName", "email", "phone", "title", "companyId", "ownerId", "version", "customFields"] },
        { "leads", "LeadRequest", ["firstName", "lastName", "companyName", "email", "phone", "source", "status", "notes", "ownerId", "version", "customFields"] },
        { "deals", "DealRequest", ["title", "companyId", "contactId", "stage", "amount", "currency", "probability", "expectedClose", "closingReason", "ownerId", "version", "customFields"] },
        { "products", "ProductRequest", ["code", "name", "price", "currency", "category", "isActive", "ownerId", "version", "customFields"] },
        { "tasks", "TaskRequest", ["title", "description", "dueDate", "priority", "status", "responsibleIds", "parentId", "relatedModule", "relatedId", "version", "customFields"] },
        { "memos", "MemoRequest", ["title", "body", "recipientId", "isDraft", "relatedModule", "relatedId", "version", "customFields"] },
        { "emails", "LoggedEmailRequest", ["direction", "from", "to", "subject", "body", "sentAt", "relatedModule", "relatedId", "ownerId", "version"] },
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Create_and_update_describe_their_body_and_answers(string module, string body, string[] fields)
    {
        var root = (await served.ReadAsync()).RootElement;

        var schema = root.GetProperty("components").GetProperty("schemas").GetProperty(body);
        Assert.Equal(fields.Order(), schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());

        var paths = root.GetProperty("paths");
        var create = paths.GetProperty($"/api/v1/{module}").GetProperty("post");
        var update = paths.GetProperty($"/api/v1/{module}/{{id}}").GetProperty("patch");
        foreach (var operation in new[] { create, update })
        {
            Assert.Equal($"#/components/schemas/{body}",
                operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        }

        // 409 and 422: a reused Idempotency-Key (ADR 0033).
        Assert.Equal(["201", "400", "403", "409", "422"], Answers(create));
        Assert.Equal(["200", "400", "403", "404", "409"], Answers(update));
        Assert.Equal(["200", "404"], Answers(paths.GetProperty($"/api/v1/{module}/{{id}}").GetProperty("get")));
        Assert.Equal(["204", "403", "404", "409"], Answers(paths.GetProperty($"/api/v1/{module}/{{id}}").GetProperty("delete")));
        Assert.Equal(["200", "403", "404"], Answers(paths.GetProperty($"/api/v1/{module}/{{id}}/delete-impact").GetProperty("get")));

        // The record the create answers with is described, not just "OK".
        Assert.True(create.GetProperty("responses").GetProperty("201").TryGetProperty("content", out _));
    }

    public static TheoryData<string> CustomFieldModules() => [.. ReadableModules.All.Select(m => m.Key)];

    [Theory]
    [MemberData(nameof(CustomFieldModules))]
    public async Task The_record_its_list_items_and_its_list_and_export_queries_describe_custom_fields(string module)
    {
        var root = (await served.ReadAsync()).RootElement;
        var paths = root.GetProperty("paths");
        var record = paths.GetProperty($"/api/v1/{module}/{{id}}");
        var list = paths.GetProperty($"/api/v1/{module}").GetProperty("get");

        // What GET, create and update answer: the record with its customFields (a task or memo inside its answer).
        AssertCustomFields(root, RecordIn(root, Answer(record.GetProperty("get"), "200")), $"GET {module}/{{id}}");
        AssertCustomFields(root, Resolve(root, Answer(paths.GetProperty($"/api/v1/{module}").GetProperty("post"), "201")), $"POST {module}");
        AssertCustomFields(root, Resolve(root, Answer(record.GetProperty("patch"), "200")), $"PATCH {module}/{{id}}");

        // The list: a page whose items have customFields.
        var page = Resolve(root, Answer(list, "200"));
        AssertCustomFields(root, Resolve(root, page.GetProperty("properties").GetProperty("items").GetProperty("items")), $"GET {module} items");

        // The list and its export take the custom field filter, described once, pointing to the fields' keys.
        foreach (var operation in new[] { list, paths.GetProperty($"/api/v1/{module}/export").GetProperty("get") })
        {
            var filter = operation.GetProperty("parameters").EnumerateArray().SingleOrDefault(p => p.GetProperty("name").GetString() == RecordApiDocument.CustomFilterParameter);
            Assert.True(filter.ValueKind == JsonValueKind.Object, $"{module}: no {RecordApiDocument.CustomFilterParameter} parameter");
            Assert.Equal("query", filter.GetProperty("in").GetString());
            Assert.Contains($"/api/v1/custom-fields?module={module}", filter.GetProperty("description").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_module_without_custom_fields_describes_none()
    {
        var root = (await served.ReadAsync()).RootElement;
        var emails = root.GetProperty("paths").GetProperty("/api/v1/emails").GetProperty("get");
        Assert.DoesNotContain(emails.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == RecordApiDocument.CustomFilterParameter);
    }

    private static JsonElement Answer(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema");

    /// <summary>The schema a $ref names, or the schema itself.</summary>
    private static JsonElement Resolve(JsonElement root, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;

    /// <summary>The record of a GET answer: the answer, or the object property of it that is a record with customFields (a task in { task, subTasks }).</summary>
    private static JsonElement RecordIn(JsonElement root, JsonElement answer)
    {
        var schema = Resolve(root, answer);
        return schema.GetProperty("properties").TryGetProperty("customFields", out _) ? schema
            : schema.GetProperty("properties").EnumerateObject().Select(p => Resolve(root, p.Value))
                .FirstOrDefault(s => s.TryGetProperty("properties", out var inner) && inner.TryGetProperty("customFields", out _), schema);
    }

    private static void AssertCustomFields(JsonElement root, JsonElement schema, string where)
    {
        var custom = schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty("customFields", out var found) ? found : default;
        Assert.True(custom.ValueKind == JsonValueKind.Object, $"{where}: no customFields in {schema.GetRawText()[..Math.Min(300, schema.GetRawText().Length)]}");
        custom = Resolve(root, custom);
        Assert.Contains("/api/v1/custom-fields", custom.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(custom.TryGetProperty("additionalProperties", out _), $"{where}: customFields does not describe its values");
    }

    /// <summary>The declared statuses; every operation's "default" (the problem details of any error) is checked by OpenApiDocumentTests.</summary>
    private static string[] Answers(JsonElement operation) =>
        [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Where(n => n != "default").Order(StringComparer.Ordinal)];
}
