using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Features.CustomFields;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.CustomFields;

/// <summary>
/// Values through the kit's API on every module (issue 28, step 2), driven by the modules × types
/// table: a <c>customFields</c> object in reads and writes, a bad value refused on its own field with
/// nothing saved, the change in the record's history (old → new); a required field and unknown keys
/// refused on create; admin-only fields absent for everyone else on read, write and history. The same
/// through the record's form (a refused value shows its message beside the input and saves nothing) and
/// its page (the value formatted per type).
/// </summary>
public sealed class CustomFieldValueTests(CustomFieldsApp app) : IClassFixture<CustomFieldsApp>
{
    private async Task<int> RecordAsync(string module, string name) => await app.RecordAsync(module, name, await app.AdminIdAsync());

    private static async Task<JsonElement> FieldAsync(PageClient admin, string module, string key, string type, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["module"] = module, ["key"] = key, ["label"] = "Field " + key, ["type"] = type,
            ["choices"] = CustomFieldTypes.HasChoices(type) ? CustomFieldTable.Industries.Select(c => new { value = c.Value, retired = c.Retired }) : null,
        };
        foreach (var p in extra is null ? [] : JsonSerializer.SerializeToElement(extra).EnumerateObject().ToList())
        {
            body[p.Name] = p.Value;
        }

        var response = await admin.PostJsonAsync("/api/v1/custom-fields", JsonSerializer.Serialize(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static string Patch(int version, string key, string? value) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["version"] = version, ["customFields"] = new Dictionary<string, string?> { [key] = value } });

    private static async Task<JsonElement> ReadAsync(PageClient client, string module, int id)
    {
        var response = await client.Http.GetAsync($"/api/v1/{module}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadJsonAsync();
        Assert.True(answer.TryGetProperty("version", out _) || !answer.TryGetProperty("customFields", out _), "customFields belong inside the record");
        // Tasks and memos answer { task: {...}, subTasks: [...] }: the record, with its customFields as
        // create and update answer them, is the nested object that has a version.
        return answer.TryGetProperty("version", out _) ? answer
            : answer.EnumerateObject().Single(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("version", out _)).Value;
    }

    private static int VersionOf(JsonElement answer) =>
        answer.GetProperty("version").GetInt32();

    [Theory]
    [MemberData(nameof(CustomFieldTable.ModulesByTypes), MemberType = typeof(CustomFieldTable))]
    public async Task A_value_of_every_type_is_read_written_checked_and_in_the_history_on_every_module(string module, string type)
    {
        var admin = await app.SignInAsAdminAsync();
        var row = CustomFieldTable.Of(type);
        var key = CustomFieldTable.KeyOf(type);
        await FieldAsync(admin, module, key, type);
        var id = await RecordAsync(module, $"{module} {type}");

        var read = await ReadAsync(admin, module, id);
        Assert.Equal(JsonValueKind.Null, read.GetProperty("customFields").GetProperty(key).ValueKind);

        var refused = await admin.PatchJsonAsync($"/api/v1/{module}/{id}", Patch(VersionOf(read), key, row.Bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotEmpty(await refused.FieldErrorsAsync($"customFields.{key}"));
        var unknown = await admin.PatchJsonAsync($"/api/v1/{module}/{id}", Patch(VersionOf(read), "noSuchField", "x"));
        Assert.NotEmpty(await unknown.FieldErrorsAsync("customFields.noSuchField"));
        Assert.Equal(VersionOf(read), VersionOf(await ReadAsync(admin, module, id)));

        var mark = await AuditKit.MarkAsync(app);
        var saved = await admin.PatchJsonAsync($"/api/v1/{module}/{id}", Patch(VersionOf(read), key, row.Good));
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        Assert.Equal(row.Stored, (await saved.ReadJsonAsync()).GetProperty("customFields").GetProperty(key).GetString());
        Assert.Equal(row.Stored, (await ReadAsync(admin, module, id)).GetProperty("customFields").GetProperty(key).GetString());

        var history = (await AuditKit.SinceAsync(app, mark)).Where(e => e.EntityType == module && e.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(history, e => AuditKit.New(e, $"customFields.{key}") == row.Stored);

        // The form: the field's input; a bad value refused beside it, kept as typed, nothing saved.
        var edit = $"/{module}/{id}/edit";
        var (_, form) = await admin.GetPageAsync(edit);
        Assert.NotNull(form.QuerySelector($"[name='customFields.{key}']"));
        if (type != CustomFieldTypes.Checkbox)
        {
            var bad = await CustomFieldForms.PostAsync(admin, form, key, CustomFieldForms.Posted(type, row.Bad));
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            var shown = await PageClient.ParseAsync(await bad.Content.ReadAsStringAsync());
            Assert.NotNull(shown.FieldError($"customFields.{key}"));
            if (shown.QuerySelector($"input#custom-{key}") is { } typed)
            {
                Assert.Equal(row.Bad, typed.GetAttribute("value"));
            }

            Assert.Equal(row.Stored, (await ReadAsync(admin, module, id)).GetProperty("customFields").GetProperty(key).GetString());
        }

        // Emptied on the form (an unticked box says no), then filled again: saved, in the history, on the record's page.
        mark = await AuditKit.MarkAsync(app);
        var emptied = await CustomFieldForms.PostAsync(admin, (await admin.GetPageAsync(edit)).Document, key, CustomFieldForms.Posted(type, ""));
        Assert.True(emptied.StatusCode == HttpStatusCode.Redirect, await emptied.Content.ReadAsStringAsync());
        var empty = type == CustomFieldTypes.Checkbox ? "false" : null;
        Assert.Equal(empty, (await ReadAsync(admin, module, id)).GetProperty("customFields").GetProperty(key).GetString());
        var filled = await CustomFieldForms.PostAsync(admin, (await admin.GetPageAsync(edit)).Document, key, CustomFieldForms.Posted(type, row.Good));
        Assert.Equal(HttpStatusCode.Redirect, filled.StatusCode);
        Assert.Equal(row.Stored, (await ReadAsync(admin, module, id)).GetProperty("customFields").GetProperty(key).GetString());
        history = (await AuditKit.SinceAsync(app, mark)).Where(e => e.EntityType == module && e.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(history, e => AuditKit.New(e, $"customFields.{key}") == empty);
        Assert.Contains(history, e => AuditKit.New(e, $"customFields.{key}") == row.Stored);

        var (_, page) = await admin.GetPageAsync($"/{module}/{id}");
        Assert.Equal("Field " + key, CustomFieldForms.Text(page.QuerySelector($"dt[data-custom-field='{key}']")));
        var value = page.QuerySelector($"dd[data-custom-field='{key}']");
        Assert.Equal(row.Shown, CustomFieldForms.Text(value));
        if (type == CustomFieldTypes.Url)
        {
            Assert.Equal(row.Stored, value!.QuerySelector("a")!.GetAttribute("href"));
        }

        // The module's export: the field's column, with the value.
        var export = await admin.Http.GetAsync($"/api/v1/{module}/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var csv = (await export.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.Contains("Field " + key, csv.Split("\r\n")[0], StringComparison.Ordinal);
        Assert.Contains(row.Stored, csv, StringComparison.Ordinal);
    }

    private static async Task<string> HeaderAsync(PageClient client, string module)
    {
        var export = await client.Http.GetAsync($"/api/v1/{module}/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        return (await export.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n")[0];
    }

    [Fact]
    public async Task A_new_record_takes_the_defaults_needs_the_required_fields_and_admin_only_fields_are_absent_for_everyone_else()
    {
        var admin = await app.SignInAsAdminAsync();
        await FieldAsync(admin, "deals", "vatCheck", CustomFieldTypes.Text, new { required = true, requiredApply = "new-and-edited" });
        await FieldAsync(admin, "deals", "region", CustomFieldTypes.Select, new { defaultValue = "Banking" });
        await FieldAsync(admin, "deals", "margin", CustomFieldTypes.Number, new { adminOnly = true });
        await FieldAsync(admin, "deals", "internalCode", CustomFieldTypes.Text);

        var missing = await admin.PostJsonAsync("/api/v1/deals", """{"title":"No VAT","currency":"EUR","amount":"0"}""");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.NotEmpty(await missing.FieldErrorsAsync("customFields.vatCheck"));

        var created = await admin.PostJsonAsync("/api/v1/deals", """{"title":"With VAT","currency":"EUR","amount":"0","customFields":{"vatCheck":"RO1","margin":12.5}}""");
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = await created.ReadJsonAsync();
        var fields = deal.GetProperty("customFields");
        Assert.Equal("Banking", fields.GetProperty("region").GetString());
        Assert.Equal("12.5", fields.GetProperty("margin").GetString());
        var id = deal.GetProperty("id").GetInt32();

        // A sales user who may edit every deal: the admin-only field is not there on any path.
        var role = await CompanyKit.RoleAsync(app, "CF sales", null, AssignRecordsTo.AnyUser, ObjectKit.Everything(Scope.All));
        // Field rules on custom fields, by key: the region shown but not changeable, the internal code hidden.
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = "deals", Field = "region", Access = FieldAccess.ReadOnly });
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = "deals", Field = "internalCode", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        var user = await CompanyKit.UserAsync(app, "cf-values-sales@example.com", role);
        var sales = await app.SignInAsync(user.Email!, CompanyKit.Password);
        var seen = await ReadAsync(sales, "deals", id);
        Assert.False(seen.GetProperty("customFields").TryGetProperty("margin", out _));
        Assert.Equal("RO1", seen.GetProperty("customFields").GetProperty("vatCheck").GetString());
        var write = await sales.PatchJsonAsync($"/api/v1/deals/{id}", Patch(VersionOf(seen), "margin", "1"));
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
        Assert.NotEmpty(await write.FieldErrorsAsync("customFields.margin"));
        var history = await AuditKit.SinceAsync(app, 0);
        Assert.DoesNotContain(history, e => e.EntityType == "deals" && e.Changes.Contains("customFields.margin", StringComparison.Ordinal));

        // Nor on the form and the record page; the administrator sees it on both.
        var (_, salesForm) = await sales.GetPageAsync($"/deals/{id}/edit");
        Assert.Null(salesForm.QuerySelector("[name='customFields.margin']"));
        Assert.NotNull(salesForm.QuerySelector("[name='customFields.vatCheck']"));
        Assert.True(salesForm.QuerySelector("select[name='customFields.region']")!.HasAttribute("disabled"));
        Assert.Null(salesForm.QuerySelector("[name='customFields.internalCode']"));
        var (_, salesPage) = await sales.GetPageAsync($"/deals/{id}");
        Assert.Null(salesPage.QuerySelector("[data-custom-field='margin']"));
        Assert.Null(salesPage.QuerySelector("[data-custom-field='internalCode']"));
        Assert.Equal("Banking", CustomFieldForms.Text(salesPage.QuerySelector("dd[data-custom-field='region']")));
        Assert.Equal("RO1", CustomFieldForms.Text(salesPage.QuerySelector("dd[data-custom-field='vatCheck']")));
        Assert.NotNull((await admin.GetPageAsync($"/deals/{id}/edit")).Document.QuerySelector("[name='customFields.margin']"));
        Assert.Equal("12.5", CustomFieldForms.Text((await admin.GetPageAsync($"/deals/{id}")).Document.QuerySelector("dd[data-custom-field='margin']")));

        // Nor on the list: not offered as a column, not shown when asked for by the address.
        var (_, salesList) = await sales.GetPageAsync("/deals?search=With+VAT&show=margin&show=vatCheck&show=internalCode");
        Assert.Null(salesList.QuerySelector("#show-margin"));
        Assert.Null(salesList.QuerySelector("#show-internalCode"));
        Assert.True(salesList.QuerySelector<IHtmlInputElement>("#show-vatCheck")!.IsChecked);
        Assert.Null(salesList.QuerySelector("[data-custom-field='margin']"));
        Assert.Null(salesList.QuerySelector("[data-custom-field='internalCode']"));
        Assert.Equal("RO1", CustomFieldForms.Text(salesList.QuerySelector("td[data-custom-field='vatCheck']")));
        var (_, adminList) = await admin.GetPageAsync("/deals?search=With+VAT&show=margin");
        Assert.NotNull(adminList.QuerySelector("th[data-custom-field='margin']"));
        Assert.Equal("12.5", CustomFieldForms.Text(adminList.QuerySelector("td[data-custom-field='margin']")));
        Assert.Null((await admin.GetPageAsync("/deals?search=With+VAT")).Document.QuerySelector("th[data-custom-field]"));

        // Nor in the export.
        var header = await HeaderAsync(sales, "deals");
        Assert.Contains("Field vatCheck", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Field margin", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Field internalCode", header, StringComparison.Ordinal);
        Assert.Contains("Field margin", await HeaderAsync(admin, "deals"), StringComparison.Ordinal);

        // A required field emptied on the form: its message, nothing saved.
        var emptied = await CustomFieldForms.PostAsync(sales, salesForm, "vatCheck", [""]);
        Assert.Equal(HttpStatusCode.OK, emptied.StatusCode);
        Assert.Equal("Field vatCheck is required.", (await PageClient.ParseAsync(await emptied.Content.ReadAsStringAsync())).FieldError("customFields.vatCheck"));
        Assert.Equal("RO1", (await ReadAsync(sales, "deals", id)).GetProperty("customFields").GetProperty("vatCheck").GetString());

        // A new deal on the form: the default chosen (read-only here, so kept); without the required field and the title, both messages and no deal.
        var (_, blank) = await sales.GetPageAsync("/deals/new");
        Assert.Equal("Banking", blank.QuerySelector("select[name='customFields.region'] option[selected]")?.GetAttribute("value"));
        var deals = await app.InDatabaseAsync(db => db.Deals.CountAsync());
        var refused = await CustomFieldForms.PostAsync(sales, blank, "vatCheck", [""], new() { ["Input.Title"] = "" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var again = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.NotNull(again.FieldError("customFields.vatCheck"));
        Assert.NotNull(again.FieldError("Input.Title"));
        Assert.Equal(deals, await app.InDatabaseAsync(db => db.Deals.CountAsync()));
        var added = await CustomFieldForms.PostAsync(sales, blank, "vatCheck", ["RO2"], new() { ["Input.Title"] = "From the form" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var newId = int.Parse(added.Headers.Location!.ToString().Split('?')[0].Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var fromForm = (await ReadAsync(admin, "deals", newId)).GetProperty("customFields");
        Assert.Equal("RO2", fromForm.GetProperty("vatCheck").GetString());
        Assert.Equal("Banking", fromForm.GetProperty("region").GetString());
    }
}
