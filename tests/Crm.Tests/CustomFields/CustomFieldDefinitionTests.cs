using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.CustomFields;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.CustomFields;

/// <summary>
/// The definitions (issue 28, step 1): a field of every type on every module (the table), bad input
/// refused with a message per field and nothing changed, a field made required on a module with
/// records only once the administrator chose how, a type change that stored values cannot follow
/// refused with their count and examples, a delete that says what it removes, all audited, and
/// everyone but administrators refused.
/// </summary>
public sealed class CustomFieldDefinitionTests(CustomFieldsApp app) : IClassFixture<CustomFieldsApp>
{
    private static string Body(string module, string key, string type, string label = "A field", object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["module"] = module, ["key"] = key, ["label"] = label, ["type"] = type,
            ["choices"] = CustomFieldTypes.HasChoices(type) ? CustomFieldTable.Industries.Select(c => new { value = c.Value, retired = c.Retired }) : null,
        };
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[p.Name] = p.Value;
            }
        }

        return JsonSerializer.Serialize(body);
    }

    private Task<int> FieldCountAsync() => app.InDatabaseAsync(db => db.Set<CustomField>().CountAsync());

    [Theory]
    [MemberData(nameof(CustomFieldTable.ModulesByTypes), MemberType = typeof(CustomFieldTable))]
    public async Task A_field_of_every_type_goes_on_every_module_with_its_default_checked(string module, string type)
    {
        var admin = await app.SignInAsAdminAsync();
        var row = CustomFieldTable.Of(type);
        var key = CustomFieldTable.KeyOf(type);

        var refused = await admin.PostJsonAsync("/api/v1/custom-fields", Body(module, key, type, extra: new { defaultValue = row.Bad }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotEmpty(await refused.FieldErrorsAsync("defaultValue"));

        var created = await admin.PostJsonAsync("/api/v1/custom-fields", Body(module, key, type, extra: new { defaultValue = row.Good, width = "full", adminOnly = true }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var field = await created.ReadJsonAsync();
        Assert.Equal(row.Stored, field.GetProperty("defaultValue").GetString());
        Assert.Equal("full", field.GetProperty("width").GetString());
        Assert.True(field.GetProperty("adminOnly").GetBoolean());

        var listed = await (await admin.Http.GetAsync($"/api/v1/custom-fields?module={module}")).ReadJsonAsync();
        Assert.Contains(listed.EnumerateArray(), f => f.GetProperty("key").GetString() == key && f.GetProperty("type").GetString() == type);
    }

    [Fact]
    public async Task Bad_input_gets_a_message_on_its_field_and_changes_nothing()
    {
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/custom-fields", Body("deals", "erpCode", CustomFieldTypes.Text))).StatusCode);
        var before = await FieldCountAsync();

        var cases = new (string Body, string Field)[]
        {
            (Body("deals", "ERPCODE", CustomFieldTypes.Text), "key"),
            (Body("deals", "__proto__", CustomFieldTypes.Text), "key"),
            (Body("deals", "id", CustomFieldTypes.Text), "key"),
            (Body("deals", "owner", CustomFieldTypes.Text), "key"),
            (Body("deals", "title", CustomFieldTypes.Text), "key"),
            (Body("deals", "vat-number", CustomFieldTypes.Text), "key"),
            (Body("deals", "9lives", CustomFieldTypes.Text), "key"),
            (Body("deals", new string('k', 51), CustomFieldTypes.Text), "key"),
            (Body("deals", "", CustomFieldTypes.Text), "key"),
            (Body("deals", "industry", CustomFieldTypes.Select, extra: new { choices = Array.Empty<object>() }), "choices"),
            (Body("deals", "industry", CustomFieldTypes.Select, extra: new { choices = new[] { new { value = "Old", retired = true } } }), "choices"),
            (Body("deals", "industry", CustomFieldTypes.Select, extra: new { choices = new[] { new { value = "A" }, new { value = "a" } } }), "choices"),
            (Body("deals", "notes2", CustomFieldTypes.Text, label: new string('l', 10_000)), "label"),
            (Body("deals", "notes2", CustomFieldTypes.Text, label: " "), "label"),
            (Body("deals", "notes2", "colour"), "type"),
            (Body("invoices", "notes2", CustomFieldTypes.Text), "module"),
            (Body("deals", "notes2", CustomFieldTypes.Text, extra: new { width = "third" }), "width"),
            (Body("deals", "notes2", CustomFieldTypes.Text, extra: new { helpText = new string('h', 501) }), "helpText"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await admin.PostJsonAsync("/api/v1/custom-fields", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body[..Math.Min(body.Length, 120)]}: {response.StatusCode}");
            Assert.True((await response.FieldErrorsAsync(field)).Count > 0, $"{body[..Math.Min(body.Length, 120)]}: no message for {field}");
        }

        // The page: messages beside their fields, nothing saved.
        var answer = await admin.SubmitAsync("/admin/custom-fields/new", new()
        {
            ["Input.Module"] = "deals", ["Input.Key"] = "__proto__", ["Input.Label"] = new string('l', 101), ["Input.Type"] = CustomFieldTypes.Select, ["Input.Choices"] = "",
        }, "#field-form");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
        foreach (var field in new[] { "Input.Key", "Input.Label", "Input.Choices" })
        {
            Assert.False(page.FieldError(field) is null, $"no message beside {field}");
        }

        Assert.Equal(before, await FieldCountAsync());
    }

    [Fact]
    public async Task A_field_required_on_a_module_with_records_asks_how_and_fills_them_in_one_audited_change()
    {
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var companies = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            companies.Add(await CompanyKit.CompanyAsync(app, $"Required {i}", adminId, null));
        }

        var all = await app.InDatabaseAsync(db => db.Companies.CountAsync());
        var before = await FieldCountAsync();

        var unasked = await admin.PostJsonAsync("/api/v1/custom-fields", Body("companies", "vatNumber", CustomFieldTypes.Text, extra: new { required = true }));
        var message = Assert.Single(await unasked.FieldErrorsAsync("requiredApply"));
        Assert.Contains($"{all} companies have no value", message, StringComparison.Ordinal);
        var noDefault = await admin.PostJsonAsync("/api/v1/custom-fields", Body("companies", "vatNumber", CustomFieldTypes.Text, extra: new { required = true, requiredApply = "fill" }));
        Assert.NotEmpty(await noDefault.FieldErrorsAsync("defaultValue"));
        Assert.Equal(before, await FieldCountAsync());

        // Only new and edited records: the choice is kept, no value written.
        var later = await admin.PostJsonAsync("/api/v1/custom-fields", Body("companies", "vatNumber", CustomFieldTypes.Text, extra: new { required = true, requiredApply = "new-and-edited" }));
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        var vat = await later.ReadJsonAsync();
        Assert.Equal("new-and-edited", vat.GetProperty("requiredApplied").GetString());
        Assert.Equal(0, vat.GetProperty("values").GetInt32());

        // Fill with the default now: every company gets it, with the definition and its audit entries.
        var mark = await AuditKit.MarkAsync(app);
        var erp = await admin.PostJsonAsync("/api/v1/custom-fields", Body("companies", "erpClientCode", CustomFieldTypes.Text));
        var erpId = (await erp.ReadJsonAsync()).GetProperty("id").GetInt32();
        var filled = await admin.PutJsonAsync($"/api/v1/custom-fields/{erpId}",
            Body("companies", "erpClientCode", CustomFieldTypes.Text, "ERP client code", new { required = true, requiredApply = "fill", defaultValue = "UNKNOWN" }));
        Assert.Equal(HttpStatusCode.OK, filled.StatusCode);
        Assert.Equal(all, (await filled.ReadJsonAsync()).GetProperty("values").GetInt32());
        var values = await app.InDatabaseAsync(db => db.Set<CustomFieldValue>().Where(v => v.FieldId == erpId).Select(v => v.TextValue).ToListAsync());
        Assert.All(values, v => Assert.Equal("UNKNOWN", v));
        var entries = await AuditKit.SinceAsync(app, mark);
        Assert.Equal("fill", AuditKit.New(AuditKit.One(entries, "custom-field", "updated", erpId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "requiredApplied"));
        Assert.Contains($"\"records\":{all}", AuditKit.One(entries, "custom-field", "filled").Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_type_change_that_values_cannot_follow_is_refused_with_count_and_examples_and_a_delete_says_what_it_removes()
    {
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var created = await admin.PostJsonAsync("/api/v1/custom-fields", Body("leads", "employees", CustomFieldTypes.Text, "No. employees"));
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        var texts = new[] { "12", "250", "about 40", "many" };
        var leads = new List<int>();
        foreach (var text in texts)
        {
            leads.Add(await ObjectKit.LeadAsync(app, "Ann", text, null, adminId, null));
        }

        await app.InDatabaseAsync(async db =>
        {
            db.AddRange(leads.Select((lead, i) => new CustomFieldValue { Module = CrmModules.Leads.Key, RecordId = lead, FieldId = id, TextValue = texts[i] }));
            return await db.SaveChangesAsync();
        });

        var toNumber = Body("leads", "employees", CustomFieldTypes.Number, "No. employees");
        var refused = await admin.PutJsonAsync($"/api/v1/custom-fields/{id}", toNumber);
        var message = Assert.Single(await refused.FieldErrorsAsync("type"));
        Assert.Contains("2 stored values", message, StringComparison.Ordinal);
        Assert.Contains("'about 40'", message, StringComparison.Ordinal);
        Assert.Equal(CustomFieldTypes.Text, await app.InDatabaseAsync(db => db.Set<CustomField>().Where(f => f.Id == id).Select(f => f.Type).SingleAsync()));

        // Once those are cleared the change goes through, and the values take their numbers.
        await app.InDatabaseAsync(db => db.Set<CustomFieldValue>().Where(v => v.FieldId == id && (v.TextValue == "about 40" || v.TextValue == "many")).ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/api/v1/custom-fields/{id}", toNumber)).StatusCode);
        var numbers = await app.InDatabaseAsync(db => db.Set<CustomFieldValue>().Where(v => v.FieldId == id).OrderBy(v => v.NumberValue).Select(v => v.NumberValue).ToListAsync());
        Assert.Equal([12d, 250d], numbers);

        // The list page shows the field with its count of values.
        var (listed, index) = await admin.GetPageAsync("/admin/custom-fields?module=leads");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var row = index.QuerySelector($"tr[data-field-id='{id}']")!;
        Assert.Contains("No. employees", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", row.QuerySelector("td.text-end")!.TextContent.Trim());

        // The delete: the page counts the values first; the delete removes them, audited with the count.
        var (_, edit) = await admin.GetPageAsync($"/admin/custom-fields/{id}/edit");
        Assert.Contains("2 records hold values", edit.QuerySelector("#delete-impact")!.TextContent, StringComparison.Ordinal);
        var mark = await AuditKit.MarkAsync(app);
        var deleted = await admin.SubmitAsync(edit, [], "#delete-field");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<CustomFieldValue>().CountAsync(v => v.FieldId == id)));
        var entries = await AuditKit.SinceAsync(app, mark);
        AuditKit.One(entries, "custom-field", "deleted", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("\"values\":2", AuditKit.One(entries, "custom-field", "values-removed").Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everyone_but_administrators_is_refused_on_every_path()
    {
        var admin = await app.SignInAsAdminAsync();
        var id = (await (await admin.PostJsonAsync("/api/v1/custom-fields", Body("products", "warranty", CustomFieldTypes.Number))).ReadJsonAsync()).GetProperty("id").GetInt32();
        await app.CreateUserAsync("cf-sales@example.com", "Sales-password-1");
        var sales = await app.SignInAsync("cf-sales@example.com", "Sales-password-1");

        Assert.Equal(HttpStatusCode.Forbidden, (await sales.Http.GetAsync("/api/v1/custom-fields")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.Http.GetAsync($"/api/v1/custom-fields/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.PostJsonAsync("/api/v1/custom-fields", Body("products", "other", CustomFieldTypes.Text))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.PutJsonAsync($"/api/v1/custom-fields/{id}", Body("products", "warranty", CustomFieldTypes.Text))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.Http.DeleteAsync($"/api/v1/custom-fields/{id}")).StatusCode);
        foreach (var url in new[] { "/admin/custom-fields", "/admin/custom-fields/new", $"/admin/custom-fields/{id}/edit" })
        {
            var (response, _) = await sales.GetPageAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound || response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/account", StringComparison.Ordinal),
                $"{url}: {response.StatusCode}");
        }

        Assert.Equal(CustomFieldTypes.Number, await app.InDatabaseAsync(db => db.Set<CustomField>().Where(f => f.Id == id).Select(f => f.Type).SingleAsync()));
    }
}
