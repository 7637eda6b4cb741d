using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Vault;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Vault;

/// <summary>
/// Bad input on every form and body of the vault gets a message on its own field and saves nothing;
/// the generator follows its recipe; "rotation due" follows the category's interval and a new password restarts it.
/// </summary>
public sealed class VaultInputTests
{
    [Fact]
    public async Task Bad_input_names_each_field_and_saves_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var category = await VaultKit.CategoryAsync(admin, "Servers");

        // Through the API: each bad field named.
        var cases = new (string Body, string Field)[]
        {
            ($$"""{"name":"","categoryId":{{category}},"password":"x"}""", "name"),
            ($$"""{"name":"Ok","categoryId":{{category}}}""", "password"),
            ($$"""{"name":"Ok","categoryId":{{category}},"password":"x","url":"ftp://files.example.com"}""", "url"),
            ($$"""{"name":"Ok","categoryId":{{category}},"password":"x","totpSeed":"not base32 at all!"}""", "totpSeed"),
            ("""{"name":"Ok","password":"x"}""", "categoryId"),
            ("""{"name":"Ok","categoryId":999999,"password":"x"}""", "categoryId"),
            ($$"""{"name":"{{new string('n', 201)}}","categoryId":{{category}},"password":"x"}""", "name"),
            ($$"""{"name":"Ok","categoryId":{{category}},"password":"{{new string('p', 1001)}}"}""", "password"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await admin.PostJsonAsync("/api/v1/vault", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {response.StatusCode}");
            Assert.True((await response.FieldErrorsAsync(field)).Count > 0, $"{body}: no message for {field}");
        }

        // Through the page: every message beside its field, the form kept.
        var answer = await admin.SubmitAsync("/vault/new", new()
        {
            ["Input.Name"] = "",
            ["Input.Url"] = "javascript:alert(1)",
            ["Input.TotpSeed"] = "0000 1111",
            ["Input.Password"] = "",
        }, "#entry-form");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
        foreach (var field in new[] { "Input.Name", "Input.Url", "Input.TotpSeed", "Input.Password", "Input.CategoryId" })
        {
            Assert.False(page.FieldError(field) is null, $"no message beside {field}");
        }

        // Categories and grants too.
        Assert.NotEmpty(await (await admin.PostJsonAsync("/api/v1/vault/categories", """{"name":"Servers"}""")).FieldErrorsAsync("name"));
        Assert.NotEmpty(await (await admin.PostJsonAsync("/api/v1/vault/categories", """{"name":"Other","rotationDays":0}""")).FieldErrorsAsync("rotationDays"));
        Assert.NotEmpty(await (await admin.PostJsonAsync($"/api/v1/vault/categories/{category}/grants", """{"access":"view"}""")).FieldErrorsAsync("target"));
        Assert.NotEmpty(await (await admin.PostJsonAsync($"/api/v1/vault/categories/{category}/grants", """{"groupId":999999,"access":"view"}""")).FieldErrorsAsync("groupId"));
        Assert.NotEmpty(await (await admin.PostJsonAsync($"/api/v1/vault/categories/{category}/grants", """{"roleId":1,"access":"own"}""")).FieldErrorsAsync("access"));
        var categoryPage = await admin.SubmitAsync("/admin/vault", new() { ["Input.Name"] = "", ["Input.RotationDays"] = "99999" }, "#category-form");
        var categoryForm = await PageClient.ParseAsync(await categoryPage.Content.ReadAsStringAsync());
        Assert.NotNull(categoryForm.FieldError("Input.Name"));
        Assert.NotNull(categoryForm.FieldError("Input.RotationDays"));

        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<VaultEntry>().CountAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Set<VaultCategory>().CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<VaultGrant>().CountAsync()));
    }

    [Fact]
    public async Task The_generator_follows_its_recipe_and_rotation_is_due_after_the_categorys_interval()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var digits = await (await admin.PostJsonAsync("/api/v1/vault/generate-password", """{"length":40,"lowercase":false,"uppercase":false,"symbols":false}""")).ReadJsonAsync();
        Assert.Matches("^[0-9]{40}$", digits.GetProperty("password").GetString()!);
        var all = await (await admin.PostJsonAsync("/api/v1/vault/generate-password", "{}")).ReadJsonAsync();
        Assert.Matches("^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])(?=.*[^a-zA-Z0-9]).{24}$", all.GetProperty("password").GetString()!);
        Assert.NotEmpty(await (await admin.PostJsonAsync("/api/v1/vault/generate-password", """{"length":4}""")).FieldErrorsAsync("length"));
        Assert.NotEmpty(await (await admin.PostJsonAsync("/api/v1/vault/generate-password",
            """{"lowercase":false,"uppercase":false,"digits":false,"symbols":false}""")).FieldErrorsAsync("classes"));

        var monthly = await VaultKit.CategoryAsync(admin, "Monthly", rotationDays: 30);
        var yearly = await VaultKit.CategoryAsync(admin, "Yearly");

        // The form's Generate fills the password field and saves nothing.
        var (_, form) = await admin.GetPageAsync("/vault/new");
        // As the Generate button's formaction sends it.
        form.QuerySelector("#entry-form")!.SetAttribute("action", "/vault/new?handler=Generate");
        var generated = await admin.SubmitAsync(form, new() { ["Input.Length"] = "32" }, "#entry-form");
        var generatedPage = await PageClient.ParseAsync(await generated.Content.ReadAsStringAsync());
        Assert.Equal(32, generatedPage.QuerySelector("#Input_Password")?.GetAttribute("value")?.Length);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<VaultEntry>().CountAsync()));

        var router = await VaultKit.EntryAsync(admin, monthly, "Router", "Basalt-Heron-1187");
        await VaultKit.EntryAsync(admin, yearly, "Domain registrar", "Saffron-Mole-5521");

        app.Clock.Advance(TimeSpan.FromDays(31));
        admin = await app.SignInAsAdminAsync();
        var due = await (await admin.Http.GetAsync("/api/v1/vault?rotationDue=true")).ReadJsonAsync();
        Assert.Equal(["Router"], due.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        var (_, list) = await admin.GetPageAsync("/vault?due=true");
        Assert.Equal([router.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            list.QuerySelectorAll("#vault-entries tbody tr").Select(r => r.GetAttribute("data-entry-id")));
        var (_, entryPage) = await admin.GetPageAsync($"/vault/{router}");
        Assert.NotNull(entryPage.QuerySelector("#rotation-due"));

        // A new password restarts the interval; a change of name alone does not.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/api/v1/vault/{router}", $$"""{"name":"Edge router","categoryId":{{monthly}}}""")).StatusCode);
        Assert.Single((await (await admin.Http.GetAsync("/api/v1/vault?rotationDue=true")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/api/v1/vault/{router}", $$"""{"name":"Edge router","categoryId":{{monthly}},"password":"Opal-Kestrel-4410"}""")).StatusCode);
        Assert.Empty((await (await admin.Http.GetAsync("/api/v1/vault?rotationDue=true")).ReadJsonAsync()).EnumerateArray());
    }
}
