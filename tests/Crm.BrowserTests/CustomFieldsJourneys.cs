using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// Custom fields end to end (issue 28): an administrator adds "VAT number" (text, required on new
/// records) and "Industry" (select) to companies; a sales user fills them on the company form (first
/// without the VAT number: its message shows); the company list filters by Industry; the company's
/// history shows the change.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class CustomFieldsJourneys(Chromium chromium)
{
    [Fact]
    public async Task An_administrator_adds_fields_a_sales_user_fills_them_filters_the_list_and_sees_the_history()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var role = await CompanyKit.RoleAsync(journey.App, "Journey sales", null, AssignRecordsTo.AnyUser, CompanyKit.Everything(Scope.All));
        await CompanyKit.UserAsync(journey.App, "sam@crm.test", role);
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await AddFieldAsync(journey, "vatNumber", "VAT number", "text", required: true, choices: null);
        await AddFieldAsync(journey, "industry", "Industry", "select", required: false, choices: "Retail\nBanking");
        await journey.SignOutAsync("Administrator");

        await journey.SignInAsync("sam@crm.test", CompanyKit.Password);
        await page.GotoAsync("/companies/new");
        await journey.Field("Name").FillAsync("Journey Retail SRL");
        await page.Locator("#custom-industry").SelectOptionAsync("Retail");
        await journey.Button("Add company").ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("VAT number is required.");
        await page.Locator("#custom-vatNumber").FillAsync("RO12345678");
        await journey.Button("Add company").ClickAsync();
        await Expect(page.Locator("dd[data-custom-field='vatNumber']")).ToHaveTextAsync("RO12345678");

        await page.GotoAsync("/companies/new");
        await journey.Field("Name").FillAsync("Journey Bank SA");
        await page.Locator("#custom-vatNumber").FillAsync("RO87654321");
        await page.Locator("#custom-industry").SelectOptionAsync("Banking");
        await journey.Button("Add company").ClickAsync();
        await Expect(page.Locator("dd[data-custom-field='industry']")).ToHaveTextAsync("Banking");

        // The list filtered by Industry: only the retail company; the address keeps the filter.
        await page.GotoAsync("/companies");
        await page.Locator("select[name='cf.industry']").SelectOptionAsync("Retail");
        await journey.Button("Search").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("cf\\.industry=Retail"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Journey Retail SRL", Exact = true })).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Journey Bank SA", Exact = true })).ToHaveCountAsync(0);

        // The change in the company's history.
        await page.GetByRole(AriaRole.Link, new() { Name = "Journey Retail SRL", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await page.Locator("#custom-vatNumber").FillAsync("RO11112222");
        await journey.Button("Save changes").ClickAsync();
        // Back on the company's page once saved.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/companies/\d+(\?|$)"));
        await page.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("RO11112222");
        await Expect(page.Locator("main")).ToContainTextAsync("RO12345678");
        journey.AssertNoErrors();
    }

    private static async Task AddFieldAsync(Journey journey, string key, string label, string type, bool required, string? choices)
    {
        var page = journey.Page;
        await page.GotoAsync("/admin/custom-fields/new");
        await journey.Field("Module").SelectOptionAsync("companies");
        await journey.Field("Key").FillAsync(key);
        await journey.Field("Label").FillAsync(label);
        await journey.Field("Type").SelectOptionAsync(type);
        if (choices is not null)
        {
            await journey.Field("Choices (select and multi-select), one per line, in order").FillAsync(choices);
        }

        if (required)
        {
            await journey.Field("Required").CheckAsync();
        }

        await journey.Button("Add field").ClickAsync();
        await Expect(page.Locator("main")).ToContainTextAsync(label);
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/new$"));
    }
}
