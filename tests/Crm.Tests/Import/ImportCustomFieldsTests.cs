using System.Text.Json;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// Custom fields go through an import like built-in ones (issues 26 and 28): the template has their
/// columns, the mapping proposes them by label, the check applies their rules (a required field the file
/// leaves empty, a choice that is not one, next to the built-in fields' problems on the same row), the
/// import writes them with the record and its history, an update shows them old → new, and its undo
/// gives the old values back. An admin-only field is not offered to someone who is not an administrator.
/// </summary>
public sealed class ImportCustomFieldsTests(ImportApp app) : IClassFixture<ImportApp>
{
    [Fact]
    public async Task Custom_fields_are_templated_mapped_checked_imported_updated_and_undone()
    {
        var admin = await app.SignInAsAdminAsync();
        await FieldAsync(admin, new { module = "companies", key = "vatNumber", label = "VAT number", type = "text", required = true });
        await FieldAsync(admin, new { module = "companies", key = "industry", label = "Industry", type = "select", choices = new[] { new { value = "Retail" }, new { value = "Banking" } } });
        await FieldAsync(admin, new { module = "companies", key = "founded", label = "Founded", type = "date" });
        await FieldAsync(admin, new { module = "companies", key = "creditNote", label = "Credit note", type = "text", adminOnly = true });

        var template = await (await admin.Http.GetAsync("/api/v1/imports/templates/companies?format=csv")).Content.ReadAsStringAsync();
        var header = template.TrimStart('\uFEFF').Split('\n')[0];
        Assert.Contains("VAT number", header, StringComparison.Ordinal);
        Assert.Contains("Industry", header, StringComparison.Ordinal);

        // Row 3 lacks its required VAT number and names no company; row 4's industry is not a choice.
        var csv = "Name,VAT number,Industry,Founded\r\n"
                + "Acme Stores,EU123,Retail,31.12.1999\r\n"
                + ",,Banking,\r\n"
                + "Bank of Nowhere,EU456,Farming,\r\n";
        var started = await StartAsync(admin, "companies", "companies.csv", csv);
        var id = started.GetProperty("id").GetInt32();
        var mapping = started.GetProperty("mapping");
        Assert.Equal(["name", "customFields.vatNumber", "customFields.industry", "customFields.founded"],
            new[] { "Name", "VAT number", "Industry", "Founded" }.Select(h => mapping.GetProperty(h).GetString()));

        var checkedRun = await CheckAsync(app, admin, id, """{"mode":"create"}""");
        Assert.Equal(2, checkedRun.GetProperty("failed").GetInt32());
        var problems = Problems(await RowsAsync(admin, id, "error"));
        Assert.Contains(problems, p => p.StartsWith("row 3: VAT number:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("row 3: Name:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("row 4: Industry:", StringComparison.Ordinal));

        // Fixed, it imports with its values and their history.
        var good = (await StartAsync(admin, "companies", "good.csv", "Name,VAT number,Industry,Founded\r\nAcme Stores,EU123,Retail,31.12.1999\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, admin, good, """{"mode":"create"}""");
        Assert.Equal("imported", (await ConfirmAsync(app, admin, good)).GetProperty("status").GetString());
        var company = (await RowsAsync(admin, good, "create")).Single().GetProperty("recordId").GetInt32();
        var read = (await (await admin.Http.GetAsync($"/api/v1/companies/{company}")).ReadJsonAsync()).GetProperty("customFields");
        Assert.Equal(("EU123", "Retail", "1999-12-31"), (read.GetProperty("vatNumber").GetString(), read.GetProperty("industry").GetString(), read.GetProperty("founded").GetString()));

        // An update by ID shows the custom field old → new, and its undo gives the old value back.
        var update = (await StartAsync(admin, "companies", "update.csv", $"ID,Industry\r\n{company},Banking\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, admin, update, """{"mode":"update","matchKey":"id"}""");
        await ConfirmAsync(app, admin, update);
        var change = (await RowsAsync(admin, update, "update")).Single().GetProperty("changes").GetProperty("customFields.industry");
        Assert.Equal(["Retail", "Banking"], change.EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("undone", (await UndoAsync(app, admin, update)).GetProperty("status").GetString());
        Assert.Equal("Retail", (await (await admin.Http.GetAsync($"/api/v1/companies/{company}")).ReadJsonAsync()).GetProperty("customFields").GetProperty("industry").GetString());
        Assert.Equal("EU123", (await (await admin.Http.GetAsync($"/api/v1/companies/{company}")).ReadJsonAsync()).GetProperty("customFields").GetProperty("vatNumber").GetString());

        // Someone who is not an administrator is never offered the admin-only field, and may not map to it.
        var role = await CompanyKit.RoleAsync(app, "Company importer", null, Crm.Web.Features.Roles.AssignRecordsTo.AnyUser, [.. CompanyKit.Everything(Crm.Web.Security.Permissions.Scope.All), ("companies", "import", Crm.Web.Security.Permissions.Scope.All)]);
        await CompanyKit.UserAsync(app, "company.importer@crm.test", role);
        var user = await app.SignInAsync("company.importer@crm.test", CompanyKit.Password);
        var theirs = await StartAsync(user, "companies", "theirs.csv", "Name,VAT number,Credit note\r\nTheir Co,EU789,secret\r\n");
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("mapping").GetProperty("Credit note").ValueKind);
        Assert.DoesNotContain(theirs.GetProperty("fields").EnumerateArray(), f => f.GetProperty("key").GetString() == "customFields.creditNote");
        var refused = await user.PostJsonAsync($"/api/v1/imports/{theirs.GetProperty("id").GetInt32()}/check",
            """{"mode":"create","mapping":{"Name":"name","VAT number":"customFields.vatNumber","Credit note":"customFields.creditNote"}}""");
        Assert.Contains("customFields.creditNote", (await refused.FieldErrorsAsync("mapping")).Single(), StringComparison.Ordinal);
    }

    private static async Task FieldAsync(PageClient admin, object field)
    {
        var response = await admin.PostJsonAsync("/api/v1/custom-fields", JsonSerializer.Serialize(field));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}
