using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>An administrator sets up departments and groups in a real browser against a real server.</summary>
[Collection(SharedChromium.Name)]
public sealed class OrganisationJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_builds_a_department_tree()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await page.GotoAsync("/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Departments", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(journey.Url("/admin/departments"));

        await AddAsync(journey, "Company", parent: null, email: "hello@example.com");
        await AddAsync(journey, "Sales", parent: "Company", email: "sales@example.com");
        await AddAsync(journey, "Support", parent: "Company", email: "support@example.com");
        await AddAsync(journey, "Europe", parent: "Company / Sales", email: null);

        var names = page.Locator(".department-tree tbody th .fw-semibold");
        await Expect(names).ToHaveTextAsync(["Company", "Sales", "Europe", "Support"]);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Department Europe saved.");

        // Moving a department: the top of the tree cannot be put under anything below it, so the
        // form only offers "None" for it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Company", Exact = true }).ClickAsync();
        await Expect(journey.Field("Parent department").Locator("option")).ToHaveTextAsync(["None: a top-level department"]);
        await page.GoBackAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Europe", Exact = true }).ClickAsync();
        await journey.Field("Parent department").SelectOptionAsync(new SelectOptionValue { Label = "Company / Support" });
        await journey.Button("Save changes").ClickAsync();
        await Expect(names).ToHaveTextAsync(["Company", "Sales", "Support", "Europe"]);

        await page.GotoAsync("/admin/departments");
        await page.Mouse.MoveAsync(0, 0);
        var screenshot = Path.Combine(RepositoryRoot.Path, "docs", "images", "departments.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete Company", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("'Company' cannot be deleted while it has 2 sub-departments.");
        await Expect(journey.Button("Delete department")).ToBeDisabledAsync();

        await page.GotoAsync("/admin/departments");
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete Europe", Exact = true }).ClickAsync();
        await journey.Button("Delete department").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The department was deleted.");
        await Expect(names).ToHaveTextAsync(["Company", "Sales", "Support"]);
        journey.AssertNoErrors();
    }

    [Fact]
    public async Task Administrator_creates_a_group_and_ticks_its_members()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        await journey.App.CreateUserAsync("ann@crm.test", "a good long passphrase", name: "Ann Baker");
        await journey.App.CreateUserAsync("bob@crm.test", "a good long passphrase", name: "Bob Stone");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await page.GotoAsync("/admin/groups");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add group", Exact = true }).ClickAsync();
        await journey.Field("Name").FillAsync("Key accounts");
        await journey.Field("Description (optional)").FillAsync("People who look after the largest customers.");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Ann Baker ann@crm.test" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Bob Stone bob@crm.test" }).CheckAsync();
        await journey.Button("Add group").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Group Key accounts saved.");
        await Expect(page.Locator("tbody tr td").Nth(1)).ToHaveTextAsync("2");

        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Key accounts", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Ann Baker ann@crm.test" })).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Bob Stone bob@crm.test" }).UncheckAsync();
        await journey.Button("Save changes").ClickAsync();
        await Expect(page.Locator("tbody tr td").Nth(1)).ToHaveTextAsync("1");
        journey.AssertNoErrors();
    }

    private static async Task AddAsync(Journey journey, string name, string? parent, string? email)
    {
        var page = journey.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Add department", Exact = true }).ClickAsync();
        await journey.Field("Name").FillAsync(name);
        if (parent is not null)
        {
            await journey.Field("Parent department").SelectOptionAsync(new SelectOptionValue { Label = parent });
        }

        if (email is not null)
        {
            await journey.Field("Email (optional)").FillAsync(email);
        }

        await journey.Button("Add department").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/departments\\?saved=\\d+$"));
    }
}
