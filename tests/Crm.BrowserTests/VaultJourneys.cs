using Crm.BrowserTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// The administrator sets up a vault category for the support team, adds the router's account with
/// a generated password, and a support agent reveals it; someone outside the grant finds nothing.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class VaultJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_shares_a_generated_password_with_a_department_and_an_agent_reveals_it()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        var role = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent").Select(r => r.Id).SingleAsync());
        var support = await DepartmentAsync(app, "Support");
        var sales = await DepartmentAsync(app, "Sales");
        await UserAsync(app, "sam@crm.test", role, support);
        await UserAsync(app, "nina@crm.test", role, sales);

        await journey.SignInAsync(Crm.Tests.Infrastructure.CrmApp.AdminEmail, Crm.Tests.Infrastructure.CrmApp.AdminPassword);
        await page.GotoAsync("/admin/vault");
        await journey.Field("Name").FillAsync("Network");
        await journey.Field("Rotate every (days)").FillAsync("90");
        await journey.Button("Add category").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Network", Exact = true }).ClickAsync();
        await journey.Field("Grant to").SelectOptionAsync(new SelectOptionValue { Label = "Support" });
        await journey.Button("Grant").ClickAsync();
        await Expect(page.Locator("#grants tbody tr")).ToContainTextAsync(["department 'Support'"]);

        await page.GotoAsync("/vault/new");
        await journey.Field("Name").FillAsync("Office router");
        await journey.Field("Category").SelectOptionAsync(new SelectOptionValue { Label = "Network" });
        await journey.Field("User name").FillAsync("admin");
        await journey.Button("Generate password").ClickAsync();
        var generated = await page.Locator("#Input_Password").InputValueAsync();
        Assert.Equal(24, generated.Length);
        await journey.Button("Save entry").ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Office router");
        await Expect(page.Locator("#entry")).Not.ToContainTextAsync(generated);

        // Sam, in Support, reveals it; the reveal is logged.
        var sam = await journey.OpenSecondBrowserAsync("sam");
        await journey.SignInAsync("sam@crm.test", Password, sam);
        await sam.GotoAsync("/vault");
        await sam.GetByRole(AriaRole.Link, new() { Name = "Office router", Exact = true }).ClickAsync();
        await journey.Button("Reveal", sam).ClickAsync();
        await Expect(sam.Locator("#revealed-password")).ToHaveValueAsync(generated);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == Crm.Web.Features.Activity.ActivityKinds.VaultRevealed)));

        // Nina, in Sales, has no grant: the list is empty and the entry is not found.
        var nina = await journey.OpenSecondBrowserAsync("nina");
        await journey.SignInAsync("nina@crm.test", Password, nina);
        await nina.GotoAsync("/vault");
        await Expect(nina.Locator("#no-entries")).ToBeVisibleAsync();
        var entry = await app.InDatabaseAsync(db => db.Set<Crm.Web.Features.Vault.VaultEntry>().Select(e => e.Id).SingleAsync());
        await journey.GotoRefusedAsync($"/vault/{entry}", 404, nina);
        journey.AssertNoErrors();
    }
}
