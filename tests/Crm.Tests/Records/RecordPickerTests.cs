using System.Globalization;
using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Records;

/// <summary>
/// The related-record fields of the forms: their suggestions (<c>GET /api/v1/lookup/{module}</c>)
/// come only from records the person may see, and without script the field takes "42" or "ID 42".
/// </summary>
public sealed class RecordPickerTests
{
    [Fact]
    public async Task Suggestions_hold_only_records_in_the_callers_scope_by_name_and_by_id()
    {
        await using var app = new CrmApp();
        var north = await DepartmentAsync(app, "North");
        var south = await DepartmentAsync(app, "South");
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Everything(Scope.Department));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var northUser = await UserAsync(app, "north@crm.test", deptRole, north);
        var southUser = await UserAsync(app, "south@crm.test", deptRole, south);
        await UserAsync(app, "none@crm.test", noneRole, north);
        var northCompany = await CompanyAsync(app, "Zephyr North", northUser.Id, north);
        var southCompany = await CompanyAsync(app, "Zephyr South", southUser.Id, south);
        for (var i = 0; i < 12; i++)
        {
            await CompanyAsync(app, $"Zephyr Branch {i}", northUser.Id, north);
        }

        var northClient = await app.SignInAsync("north@crm.test", Password);
        var found = await SuggestAsync(northClient, "companies", "zephyr");
        Assert.Equal(10, found.Count);
        Assert.DoesNotContain(found, s => s.Label == "Zephyr South" || s.Id == southCompany);
        Assert.Equal([(northCompany, "Zephyr North")], await SuggestAsync(northClient, "companies", "ZEPHYR NORTH"));
        Assert.Empty(await SuggestAsync(northClient, "companies", "zephyr south"));

        // By ID, as the field takes it: one the caller may see is found, one outside their scope is not.
        foreach (var query in new[] { $"{northCompany}", $"ID {northCompany}", $"id{northCompany}" })
        {
            Assert.Equal([(northCompany, "Zephyr North")], await SuggestAsync(northClient, "companies", query));
        }

        Assert.Empty(await SuggestAsync(northClient, "companies", $"ID {southCompany}"));
        Assert.Empty(await SuggestAsync(northClient, "companies", $"{southCompany}"));

        var southClient = await app.SignInAsync("south@crm.test", Password);
        Assert.Equal([(southCompany, "Zephyr South")], await SuggestAsync(southClient, "companies", "zephyr"));

        var noneClient = await app.SignInAsync("none@crm.test", Password);
        Assert.Empty(await SuggestAsync(noneClient, "companies", "zephyr"));
        Assert.Empty(await SuggestAsync(noneClient, "companies", $"ID {northCompany}"));

        // Nothing typed: nothing suggested. An unknown module is not found; a bad query is refused.
        Assert.Empty(await SuggestAsync(northClient, "companies", ""));
        Assert.Equal(HttpStatusCode.NotFound, (await northClient.Http.GetAsync("/api/v1/lookup/spaceships?q=zephyr")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await northClient.Http.GetAsync("/api/v1/lookup/companies?q=" + new string('z', 201))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await northClient.Http.GetAsync("/api/v1/lookup/companies?q=%07zephyr")).StatusCode);

        // Signed out: no answer at all.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().Http.GetAsync("/api/v1/lookup/companies?q=zephyr")).StatusCode);
    }

    [Fact]
    public async Task A_record_shared_with_the_caller_is_suggested_as_their_list_shows_it()
    {
        await using var app = new CrmApp();
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var owner = await app.CreateUserAsync("owner@crm.test", Password);
        var reader = await UserAsync(app, "reader@crm.test", noneRole);
        var shared = await ContactAsync(app, "Quinn", "Shared", null, owner.Id, null);
        await ContactAsync(app, "Quentin", "Kept", null, owner.Id, null);
        await app.InDatabaseAsync(db =>
        {
            db.RecordShares.Add(new Crm.Web.Features.Access.Share
            {
                Module = CrmModules.Contacts.Key, RecordId = shared, UserId = reader.Id, Access = ShareAccess.Read, CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            });
            return db.SaveChangesAsync();
        });

        var client = await app.SignInAsync("reader@crm.test", Password);
        Assert.Equal([(shared, "Quinn Shared")], await SuggestAsync(client, "contacts", "qu"));
    }

    [Fact]
    public async Task The_contact_form_takes_the_company_as_id_or_ID_n_and_names_it_only_when_the_user_may_see_it()
    {
        await using var app = new CrmApp();
        var north = await DepartmentAsync(app, "North");
        var south = await DepartmentAsync(app, "South");
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Everything(Scope.Department));
        var northUser = await UserAsync(app, "north@crm.test", deptRole, north);
        var southUser = await UserAsync(app, "south@crm.test", deptRole, south);
        var northCompany = await CompanyAsync(app, "Zephyr North", northUser.Id, north);
        var southCompany = await CompanyAsync(app, "Zephyr South", southUser.Id, south);
        var client = await app.SignInAsync("north@crm.test", Password);

        // "ID n", typed into the plain field (no script), saves the company.
        var saved = await client.SubmitAsync("/contacts/new", new() { ["Input.FirstName"] = "Ada", ["Input.LastName"] = "Byron", ["Input.CompanyId"] = $"ID {northCompany}" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var contact = await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.LastName == "Byron"));
        Assert.Equal(northCompany, contact.CompanyId);

        // Editing: the field holds the ID, named for the person and for the script.
        var (_, edit) = await client.GetPageAsync($"/contacts/{contact.Id}/edit");
        var field = edit.QuerySelector("input[name='Input.CompanyId']")!;
        Assert.Equal("text", field.GetAttribute("type"));
        Assert.Equal("companies", field.GetAttribute("data-record-picker"));
        Assert.Equal($"{northCompany}", field.GetAttribute("value"));
        Assert.Equal("Zephyr North", field.GetAttribute("data-record-picker-label"));
        Assert.Equal($"/companies/{northCompany}", edit.QuerySelector(".record-picker-current a")!.GetAttribute("href"));
        Assert.Equal("Company (optional)", edit.QuerySelector($"label[for='{field.Id}']")!.TextContent);
        Assert.Contains(edit.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.StartsWith("/js/record-picker.js", StringComparison.Ordinal));

        // A name typed but not chosen is refused with a message on the field; nothing changes.
        var typed = await client.SubmitAsync($"/contacts/{contact.Id}/edit", new() { ["Input.CompanyId"] = "Zephyr" });
        var refused = await PageClient.ParseAsync(await typed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        Assert.StartsWith("Choose the company from the suggestions, or type its ID", refused.FieldError("Input.CompanyId"), StringComparison.Ordinal);
        Assert.Equal("Zephyr", refused.QuerySelector("input[name='Input.CompanyId']")!.GetAttribute("value"));

        // A company outside the user's scope is refused as before, and never named.
        var hidden = await client.SubmitAsync($"/contacts/{contact.Id}/edit", new() { ["Input.CompanyId"] = $"{southCompany}" });
        var hiddenPage = await hidden.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        Assert.DoesNotContain("Zephyr South", hiddenPage, StringComparison.Ordinal);

        // A contact of the user's department linked to a company they may not see: the form does not name it.
        var linkedAway = await ContactAsync(app, "Lin", "Away", southCompany, northUser.Id, north);
        var (_, away) = await client.GetPageAsync($"/contacts/{linkedAway}/edit");
        var awayField = away.QuerySelector("input[name='Input.CompanyId']")!;
        Assert.Null(awayField.GetAttribute("data-record-picker-label"));
        Assert.Null(away.QuerySelector(".record-picker-current"));
        Assert.DoesNotContain("Zephyr South", away.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_form_with_a_related_record_uses_the_picker()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var lead = await admin.PostJsonAsync("/api/v1/leads", """{"firstName":"Ada","lastName":"Lovelace","companyName":"Engines"}""");
        var leadId = (await lead.ReadJsonAsync()).GetProperty("id").GetInt32();
        (string Page, string Field, string Module, string? ModuleFrom)[] forms =
        [
            ("/contacts/new", "Input.CompanyId", "companies", null),
            ("/deals/new", "Input.CompanyId", "companies", null),
            ("/deals/new", "Input.ContactId", "contacts", null),
            ("/tasks/new", "Input.ParentId", "tasks", null),
            ("/tasks/new?relatedModule=deals", "Input.RelatedId", "deals", "Input_RelatedModule"),
            ("/memos/new?relatedModule=companies", "Input.RelatedId", "companies", "Input_RelatedModule"),
            ("/emails/new?relatedModule=leads", "Input.RelatedId", "leads", "Input_RelatedModule"),
            ("/files/upload?module=contacts", "Id", "contacts", "Module"),
            ($"/leads/{leadId.ToString(CultureInfo.InvariantCulture)}/convert", "Input.ExistingCompanyId", "companies", null),
        ];
        foreach (var (page, name, module, moduleFrom) in forms)
        {
            var (response, document) = await admin.GetPageAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var field = document.QuerySelector($"input[name='{name}']");
            Assert.True(field is not null, $"{page} has no field {name}");
            Assert.Equal(module, field.GetAttribute("data-record-picker"));
            Assert.Equal(moduleFrom, field.GetAttribute("data-record-picker-module-from"));
            Assert.Equal("text", field.GetAttribute("type"));
            Assert.NotNull(document.QuerySelector($"label[for='{field.Id}']"));
            Assert.NotNull(document.QuerySelector($"#{field.Id}-picker-help"));
            if (moduleFrom is not null)
            {
                Assert.NotNull(document.QuerySelector($"select#{moduleFrom} option[value='{module}']"));
            }
        }
    }

    private static async Task<List<(int Id, string Label)>> SuggestAsync(PageClient client, string module, string query)
    {
        var response = await client.Http.GetAsync($"/api/v1/lookup/{module}?q={Uri.EscapeDataString(query)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        return [.. json.EnumerateArray().Select(s => (s.GetProperty("id").GetInt32(), s.GetProperty("label").GetString()!))];
    }
}
