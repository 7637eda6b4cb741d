using System.Text.Json;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Records;

/// <summary>
/// The OpenAPI document of the CRM objects' routes: each create and update names its body by the
/// wire name clients have always seen (CompanyRequest, ...) with the fields a caller may set, and
/// each route declares what it answers and how it refuses.
/// </summary>
public sealed class RecordApiDocumentTests
{
    public static TheoryData<string, string, string[]> Modules => new()
    {
        { "companies", "CompanyRequest", ["name", "website", "phone", "email", "city", "address", "countryName", "ownerId", "version"] },
        { "contacts", "ContactRequest", ["firstName", "lastName", "email", "phone", "title", "companyId", "ownerId", "version"] },
        { "leads", "LeadRequest", ["firstName", "lastName", "companyName", "email", "phone", "source", "status", "notes", "ownerId", "version"] },
        { "deals", "DealRequest", ["title", "companyId", "contactId", "stage", "amount", "currency", "probability", "expectedClose", "closingReason", "ownerId", "version"] },
        { "products", "ProductRequest", ["code", "name", "price", "currency", "category", "isActive", "ownerId", "version"] },
        { "tasks", "TaskRequest", ["title", "description", "dueDate", "priority", "status", "responsibleIds", "parentId", "relatedModule", "relatedId", "version"] },
        { "memos", "MemoRequest", ["title", "body", "recipientId", "isDraft", "relatedModule", "relatedId", "version"] },
        { "emails", "LoggedEmailRequest", ["direction", "from", "to", "subject", "body", "sentAt", "relatedModule", "relatedId", "ownerId", "version"] },
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Create_and_update_describe_their_body_and_answers(string module, string body, string[] fields)
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        using var document = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/openapi.json"));
        var root = document.RootElement;

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

    /// <summary>The declared statuses; every operation's "default" (the problem details of any error) is checked by OpenApiDocumentTests.</summary>
    private static string[] Answers(JsonElement operation) =>
        [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Where(n => n != "default").Order(StringComparer.Ordinal)];
}
