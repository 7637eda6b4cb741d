using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.CustomFields;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Webhooks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Webhooks.WebhookKit;

namespace Crm.Tests.Webhooks;

/// <summary>
/// An endpoint's field-value filter, through the API and the page against a real receiver: only the
/// events whose record passes are sent (created and updated on the new values, deleted on the last),
/// a custom field counts, and a field the integration user may not see never decides.
/// </summary>
public sealed class WebhookFilterTests
{
    [Fact]
    public async Task Only_changes_whose_record_passes_the_filter_are_sent_and_a_filter_on_a_field_the_user_may_not_see_is_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var role = await RoleAsync(app, "Integration", null, AssignRecordsTo.AnyUser,
            (CrmModules.Deals.Key, PermissionAction.View, Scope.All), (CrmModules.Companies.Key, PermissionAction.View, Scope.All));
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = CrmModules.Deals.Key, Field = "closingReason", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        var integration = await UserAsync(app, "erp@crm.test", role);
        await CustomFieldsApp.FieldAsync(admin, "deals", "region", "text");
        await CustomFieldsApp.FieldAsync(admin, "deals", "marginNote", "text", adminOnly: true);

        object Body(params object[] filter) => new
        {
            name = "ERP", url = receiver.Url, userId = integration.Id, modules = new[] { "deals", "companies" },
            events = new[] { "created", "updated", "deleted" }, filter,
        };

        // Bad filters: a message on the condition's part, nothing saved.
        var cases = new (object Condition, string Field, string Says)[]
        {
            (new { module = "deals", field = "closingReason", @operator = "is-empty" }, "filter[0].field", "hidden from the integration user"),
            (new { module = "deals", field = "customFields.marginNote", @operator = "is-not-empty" }, "filter[0].field", "admin-only"),
            (new { module = "deals", field = "spaceship", @operator = "equals", value = "x" }, "filter[0].field", "not a field of deals"),
            (new { module = "deals", field = "stage", @operator = "resembles", value = "won" }, "filter[0].operator", "Unknown operator"),
            (new { module = "deals", field = "stage", @operator = "changed" }, "filter[0].operator", "compares the record's values"),
            (new { module = "deals", field = "probability", @operator = "greater-than", value = "lots" }, "filter[0].value", "is a number"),
            (new { module = "deals", field = "stage", @operator = "in-list" }, "filter[0].values", "Give 1 to"),
            (new { module = "leads", field = "status", @operator = "equals", value = "new" }, "filter[0].module", "does not send leads"),
            (new { module = (string?)null, field = "stage", @operator = "equals", value = "won" }, "filter[0].module", "Choose the module"),
        };
        foreach (var (condition, field, says) in cases)
        {
            var refused = await admin.Http.PostAsJsonAsync("/api/v1/webhooks", Body(condition));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = await refused.FieldErrorsAsync(field);
            Assert.Contains(errors, e => e.Contains(says, StringComparison.Ordinal));
            Assert.All(errors, e => Assert.True(e.Length < 400, e));
        }

        var tooMany = await admin.Http.PostAsJsonAsync("/api/v1/webhooks",
            Body([.. Enumerable.Repeat<object>(new { module = "deals", field = "stage", @operator = "is-not-empty" }, WebhookFilters.MaxConditions + 1)]));
        Assert.NotEmpty(await tooMany.FieldErrorsAsync("filter"));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<WebhookEndpoint>().CountAsync()));

        // The page says it on the condition's row and keeps what was typed.
        var page = await admin.SubmitAsync("/admin/webhooks/new", new()
        {
            ["Input.Name"] = "ERP",
            ["Input.Url"] = receiver.Url,
            ["Input.UserId"] = integration.Id.ToString(),
            ["Input.Modules"] = "deals",
            ["Input.Events"] = "created",
            ["Input.Filter[0].Module"] = "deals",
            ["Input.Filter[0].Field"] = "",
            ["Input.Filter[1].Module"] = "deals",
            ["Input.Filter[1].Field"] = "closingReason",
            ["Input.Filter[1].Operator"] = "is-empty",
        });
        var shown = await PageClient.ParseAsync(await page.Content.ReadAsStringAsync());
        Assert.Null(shown.QuerySelector("input#secret"));
        Assert.Equal("closingReason", shown.QuerySelector("#filter-0-field")!.GetAttribute("value"));
        Assert.Contains("hidden from the integration user", shown.QuerySelector("[data-row='0']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<WebhookEndpoint>().CountAsync()));

        // Deals only when likely and in EMEA (a custom field); companies have no condition, so all of theirs go.
        var (id, _) = await CreateAsync(admin, receiver.Url, integration.Id, ["deals", "companies"], ["created", "updated", "deleted"]);
        var filter = new object[]
        {
            new { module = "deals", field = "probability", @operator = "greater-than", value = "50" },
            new { module = "deals", field = "customFields.region", @operator = "in-list", values = new[] { "EMEA", "Nordics" } },
        };
        var put = await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", Body(filter));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var saved = (await EndpointAsync(admin, id)).GetProperty("endpoint").GetProperty("filter");
        Assert.Equal(["probability", "customFields.region"], saved.EnumerateArray().Select(c => c.GetProperty("field").GetString()));

        async Task<int> DealAsync(string title, int probability, string region)
        {
            var body = JsonSerializer.Serialize(new { title, currency = "EUR", amount = "0", probability, customFields = new { region } });
            var response = await admin.PostJsonAsync("/api/v1/deals", body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
        }

        async Task PatchAsync(int deal, string body)
        {
            var version = (await (await admin.Http.GetAsync($"/api/v1/deals/{deal}")).ReadJsonAsync()).GetProperty("version").GetInt32();
            var response = await admin.PatchJsonAsync($"/api/v1/deals/{deal}", $$"""{{{body}},"version":{{version}}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        List<(string Type, int Id)> Received() =>
            [.. receiver.TakeAll().Select(m => (Json(m).GetProperty("type").GetString()!, Json(m).GetProperty("data").GetProperty("id").GetInt32()))];

        var likelyEmea = await DealAsync("Likely EMEA", 80, "EMEA");
        var likelyApac = await DealAsync("Likely APAC", 80, "APAC");
        var unlikelyEmea = await DealAsync("Unlikely EMEA", 10, "EMEA");
        var company = await CompanyAsync(app, "Any Company", integration.Id, null);
        await DeliverAsync(app);
        // (A create with custom fields writes their values as an update of the new record: that passes too.)
        Assert.Equal([("deals.created", likelyEmea), ("deals.updated", likelyEmea), ("companies.created", company)], Received());

        // Updates are tested on the new values: one that now passes goes, one that no longer does not.
        await PatchAsync(unlikelyEmea, "\"probability\":90");
        await PatchAsync(likelyEmea, "\"probability\":20");
        await PatchAsync(likelyApac, "\"customFields\":{\"region\":\"Nordics\"}");
        await DeliverAsync(app);
        Assert.Equal([("deals.updated", unlikelyEmea), ("deals.updated", likelyApac)], Received());

        // Deletions are tested on the record's last values.
        Assert.True((await admin.Http.DeleteAsync($"/api/v1/deals/{unlikelyEmea}")).IsSuccessStatusCode);
        Assert.True((await admin.Http.DeleteAsync($"/api/v1/deals/{likelyEmea}")).IsSuccessStatusCode);
        await DeliverAsync(app);
        Assert.Equal([("deals.deleted", unlikelyEmea)], Received());

        // A field hidden from the integration user after the filter was saved never decides: nothing passes on it.
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = CrmModules.Deals.Key, Field = "region", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        await DealAsync("Likely EMEA again", 80, "EMEA");
        await DeliverAsync(app);
        Assert.Empty(Received());

        // A change refused for its filter leaves the saved one as it was.
        var refusedPut = await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", Body(new { module = "deals", field = "closingReason", @operator = "is-empty" }));
        Assert.NotEmpty(await refusedPut.FieldErrorsAsync("filter[0].field"));
        var kept = await app.InDatabaseAsync(db => db.Set<WebhookEndpoint>().Select(e => e.Filter).SingleAsync());
        Assert.Equal(["probability", "customFields.region"], WebhookFilters.Parse(kept).Select(c => c.Field));

        // The page shows the filter.
        var (_, details) = await admin.GetPageAsync($"/admin/webhooks/{id}");
        Assert.Contains("customFields.region in-list EMEA, Nordics", details.QuerySelector("#filter")!.TextContent, StringComparison.Ordinal);
    }
}
