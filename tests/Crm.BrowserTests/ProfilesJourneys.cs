using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// Issue 29's journey for profiles: the Sales agent profile lets agents see their department's
/// deals; an administrator narrows it to their own deals, reads the what-if before saving, saves,
/// and an agent sees fewer deals on her next request.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class ProfilesJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_narrows_the_sales_agent_profile_after_reading_the_what_if()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        var agentRole = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent").Select(r => r.Id).SingleAsync());
        var sales = await DepartmentAsync(app, "Sales");
        var nina = await UserAsync(app, "nina@crm.test", agentRole, sales);
        var omar = await UserAsync(app, "omar@crm.test", agentRole, sales);
        // As configured earlier: the profile opened the department's deals to agents.
        await app.InDatabaseAsync(async db =>
        {
            var profile = await db.Profiles.Where(p => p.Name == "Sales agent").Select(p => p.Id).SingleAsync();
            (await db.ProfileGrants.SingleAsync(g => g.ProfileId == profile && g.Module == "deals" && g.Action == "view")).Scope = Crm.Web.Security.Permissions.Scope.Department;
            return await db.SaveChangesAsync();
        });
        await ObjectKit.DealAsync(app, "Nina's renewal", nina.Id, sales);
        await ObjectKit.DealAsync(app, "Omar's first order", omar.Id, sales);
        await ObjectKit.DealAsync(app, "Omar's second order", omar.Id, sales);

        var ninaPage = await journey.OpenSecondBrowserAsync("nina");
        await journey.SignInAsync("nina@crm.test", Password, ninaPage);
        await ninaPage.GotoAsync("/deals");
        await Expect(ninaPage.GetByRole(AriaRole.Link, new() { Name = "Omar's first order", Exact = true })).ToBeVisibleAsync();

        // The administrator opens the profile from the list, narrows deal viewing to Own and previews.
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);
        await page.GotoAsync("/admin/profiles");
        await Expect(page.Locator("#profiles")).ToContainTextAsync("Sales agent");
        await page.Locator("#profiles td:first-child").GetByRole(AriaRole.Link, new() { Name = "Sales agent", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Sales agent");
        await journey.Field("Deals: view").SelectOptionAsync(new SelectOptionValue { Label = "Own" });
        await journey.Button("Preview").ClickAsync();
        await Expect(page.Locator("#what-if")).ToContainTextAsync("2 users lose sight of 3 deals");
        await Expect(journey.Field("Deals: view")).ToHaveValueAsync("Own");

        // Nothing changed yet for Nina; then the administrator saves.
        await ninaPage.ReloadAsync();
        await Expect(ninaPage.GetByRole(AriaRole.Link, new() { Name = "Omar's first order", Exact = true })).ToBeVisibleAsync();
        await journey.Button("Save profile").ClickAsync();
        await Expect(page.Locator("[role=status]").First).ToContainTextAsync("Saved.");

        // Nina's next request shows only her own deal.
        await ninaPage.ReloadAsync();
        await Expect(ninaPage.GetByRole(AriaRole.Link, new() { Name = "Nina's renewal", Exact = true })).ToBeVisibleAsync();
        await Expect(ninaPage.GetByRole(AriaRole.Link, new() { Name = "Omar's first order", Exact = true })).ToHaveCountAsync(0);
        await Expect(ninaPage.GetByRole(AriaRole.Link, new() { Name = "Omar's second order", Exact = true })).ToHaveCountAsync(0);
        journey.AssertNoErrors();
    }
}
