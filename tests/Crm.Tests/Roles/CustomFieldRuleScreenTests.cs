using System.Net;
using System.Text.Json;
using Crm.Tests.CustomFields;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.CustomFields;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Roles;

/// <summary>
/// Field rules on custom fields set from the role and profile screens (issue 28): listed per module
/// with their key, saved through the same use cases as the API, binding a holder on the API, the
/// form and the list, named by label in the explainer; refused clearly when they name no field or
/// no rule; and gone with the field when it is deleted, so a new field of the same key is unrestricted.
/// </summary>
public sealed class CustomFieldRuleScreenTests(CustomFieldsApp app) : IClassFixture<CustomFieldsApp>
{
    private static string Patch(int version, string key, string value) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["version"] = version, ["customFields"] = new Dictionary<string, string> { [key] = value } });

    private async Task<PageClient> HolderAsync(string email, int roleId) =>
        await app.SignInAsync((await CompanyKit.UserAsync(app, email, roleId)).Email!, CompanyKit.Password);

    [Fact]
    public async Task A_role_s_rule_on_a_custom_field_set_on_the_screen_binds_its_holders_and_goes_with_the_field()
    {
        var admin = await app.SignInAsAdminAsync();
        var vat = await CustomFieldsApp.FieldAsync(admin, "companies", "roleVat", CustomFieldTypes.Text);
        var erp = await CustomFieldsApp.FieldAsync(admin, "companies", "roleErp", CustomFieldTypes.Text);
        await CustomFieldsApp.FieldAsync(admin, "companies", "roleMargin", CustomFieldTypes.Number, adminOnly: true);
        var company = await app.RecordAsync("companies", "Rule Screen Ltd", await app.AdminIdAsync());
        await app.HoldAsync("companies", vat, company, "RO123");
        await app.HoldAsync("companies", erp, company, "ERP-9");
        var roleId = await CompanyKit.RoleAsync(app, "CF rule screen", null, AssignRecordsTo.AnyUser, CompanyKit.Everything(Scope.All));

        // The screen lists the module's custom fields after its own, marked custom with their key; the admin-only one marked and explained.
        var (_, page) = await admin.GetPageAsync($"/admin/roles/{roleId}");
        Assert.Contains("custom · roleVat", page.QuerySelector("[data-field-rule='companies:roleVat'] label")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Field roleVat", page.QuerySelector("label[for='field-companies-roleVat']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("admin-only", page.QuerySelector("[data-field-rule='companies:roleMargin'] label")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-field-rule='deals:amount']"));
        Assert.Contains("administrators alone", page.QuerySelector("#field-rules-custom-note")!.TextContent, StringComparison.Ordinal);

        // Bad input: a key that names no field, a choice that is no rule: the message on the screen, nothing changed.
        var unknown = await admin.SubmitAsync(page, new() { ["FieldRules[companies:roleVat]"] = "ReadOnly", ["FieldRules[companies:noSuchField]"] = "Hidden" }, "form[action$='handler=Fields']");
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        var refused = await PageClient.ParseAsync(await unknown.Content.ReadAsStringAsync());
        Assert.Equal("'companies.noSuchField' is not a field that can be restricted.", refused.FieldError("FieldRules"));
        Assert.Equal("ReadOnly", refused.QuerySelector("#field-companies-roleVat option[selected]")?.GetAttribute("value"));
        var bogus = await admin.SubmitAsync(page, new() { ["FieldRules[companies:roleVat]"] = "Invisible" }, "form[action$='handler=Fields']");
        Assert.Equal("A field rule must be ReadOnly or Hidden.", (await PageClient.ParseAsync(await bogus.Content.ReadAsStringAsync())).FieldError("FieldRules"));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.RoleFieldRules.CountAsync(r => r.RoleId == roleId)));

        // Saved from the screen: VAT read-only, ERP code hidden.
        var saved = await admin.SubmitAsync(page, new() { ["FieldRules[companies:roleVat]"] = "ReadOnly", ["FieldRules[companies:roleErp]"] = "Hidden" }, "form[action$='handler=Fields']");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var (_, after) = await admin.GetPageAsync($"/admin/roles/{roleId}");
        Assert.Equal("Hidden", after.QuerySelector("#field-companies-roleErp option[selected]")?.GetAttribute("value"));

        // The holder: on the API, the VAT shown but refused on write, the ERP code absent; on the form and the list likewise.
        var holder = await HolderAsync("cf-rule-role@example.com", roleId);
        var read = await (await holder.Http.GetAsync($"/api/v1/companies/{company}")).ReadJsonAsync();
        Assert.Equal("RO123", read.GetProperty("customFields").GetProperty("roleVat").GetString());
        Assert.False(read.GetProperty("customFields").TryGetProperty("roleErp", out _));
        var write = await holder.PatchJsonAsync($"/api/v1/companies/{company}", Patch(read.GetProperty("version").GetInt32(), "roleVat", "RO999"));
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
        Assert.NotEmpty(await write.FieldErrorsAsync("customFields.roleVat"));
        var (_, form) = await holder.GetPageAsync($"/companies/{company}/edit");
        Assert.True(form.QuerySelector("[name='customFields.roleVat']")!.HasAttribute("disabled"));
        Assert.Null(form.QuerySelector("[name='customFields.roleErp']"));
        var (_, list) = await holder.GetPageAsync("/companies?search=Rule+Screen&show=roleVat&show=roleErp");
        Assert.Equal("RO123", CustomFieldForms.Text(list.QuerySelector("td[data-custom-field='roleVat']")));
        Assert.Null(list.QuerySelector("[data-custom-field='roleErp']"));

        // The explainer names the rules by the fields' labels.
        var holderId = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "cf-rule-role@example.com").Select(u => u.Id).SingleAsync());
        var explained = await (await admin.Http.GetAsync($"/api/v1/access/explain?userId={holderId}&module=companies&action=edit")).Content.ReadAsStringAsync();
        Assert.Contains("Role 'CF rule screen' makes the custom field 'Field roleVat' (roleVat) of Companies read-only.", explained, StringComparison.Ordinal);
        Assert.Contains("Role 'CF rule screen' hides the custom field 'Field roleErp' (roleErp) of Companies.", explained, StringComparison.Ordinal);

        // Deleting the ERP field takes its rule along (audited, logged); a new field of the same key is unrestricted.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/custom-fields/{erp}")).StatusCode);
        Assert.Equal(["roleVat"], await app.InDatabaseAsync(db => db.RoleFieldRules.Where(r => r.RoleId == roleId).Select(r => r.Field).ToListAsync()));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.PermissionChanged).Select(a => a.Summary).ToListAsync()),
            s => s.Contains("(companies.roleErp) deleted: its field rules removed from role CF rule screen", StringComparison.Ordinal));
        var again = await CustomFieldsApp.FieldAsync(admin, "companies", "roleErp", CustomFieldTypes.Text);
        await app.HoldAsync("companies", again, company, "ERP-10");
        var reread = await (await holder.Http.GetAsync($"/api/v1/companies/{company}")).ReadJsonAsync();
        Assert.Equal("ERP-10", reread.GetProperty("customFields").GetProperty("roleErp").GetString());
        Assert.False((await holder.GetPageAsync($"/companies/{company}/edit")).Document.QuerySelector("[name='customFields.roleErp']")!.HasAttribute("disabled"));
        Assert.Null((await admin.GetPageAsync($"/admin/roles/{roleId}")).Document.QuerySelector("#field-companies-roleErp option[selected][value]:not([value=''])"));
    }

    [Fact]
    public async Task A_profile_s_rule_on_a_custom_field_set_on_the_screen_binds_the_roles_built_on_it_and_goes_with_the_field()
    {
        var admin = await app.SignInAsAdminAsync();
        var vat = await CustomFieldsApp.FieldAsync(admin, "companies", "profileVat", CustomFieldTypes.Text);
        var company = await app.RecordAsync("companies", "Profile Screen Ltd", await app.AdminIdAsync());
        await app.HoldAsync("companies", vat, company, "DE42");

        var created = await admin.SubmitAsync("/admin/profiles/new", new() { ["Input.Name"] = "CF rule profile" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var profileId = await app.InDatabaseAsync(db => db.Profiles.Where(p => p.Name == "CF rule profile").Select(p => p.Id).SingleAsync());
        var (_, page) = await admin.GetPageAsync($"/admin/profiles/{profileId}");
        Assert.Contains("custom · profileVat", page.QuerySelector("[data-field-rule='companies:profileVat'] label")!.TextContent, StringComparison.Ordinal);

        // Bad input changes nothing; then the rule saved with the profile's grants.
        var grants = new Dictionary<string, string> { ["Grants[companies:view]"] = "All", ["Grants[companies:edit]"] = "All" };
        var unknown = await admin.SubmitAsync(page, new(grants) { ["FieldRules[companies:gone]"] = "Hidden" }, "main form[action]:not([action$='Delete'])");
        Assert.Equal("'companies.gone' is not a field that can be restricted.", (await PageClient.ParseAsync(await unknown.Content.ReadAsStringAsync())).FieldError("FieldRules"));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ProfileGrants.CountAsync(g => g.ProfileId == profileId)));
        var saved = await admin.SubmitAsync(page, new(grants) { ["FieldRules[companies:profileVat]"] = "Hidden" }, "main form[action]:not([action$='Delete'])");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        // A role built on it (from the role's screen): its holder does not see the field anywhere.
        var roleId = await CompanyKit.RoleAsync(app, "CF rule profile role", null, AssignRecordsTo.AnyUser);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync($"/admin/roles/{roleId}", new() { ["ProfileIds"] = profileId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "form[action$='handler=Profiles']")).StatusCode);
        var holder = await HolderAsync("cf-rule-profile@example.com", roleId);
        var read = await (await holder.Http.GetAsync($"/api/v1/companies/{company}")).ReadJsonAsync();
        Assert.False(read.GetProperty("customFields").TryGetProperty("profileVat", out _));
        Assert.Null((await holder.GetPageAsync($"/companies/{company}/edit")).Document.QuerySelector("[name='customFields.profileVat']"));
        Assert.Null((await holder.GetPageAsync("/companies?search=Profile+Screen&show=profileVat")).Document.QuerySelector("[data-custom-field='profileVat']"));

        // Deleted: the profile's rule goes with it.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/custom-fields/{vat}")).StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ProfileFieldRules.CountAsync(r => r.ProfileId == profileId)));
    }
}
