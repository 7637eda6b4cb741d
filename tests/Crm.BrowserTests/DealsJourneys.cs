using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>A sales agent turns a lead into a customer and a deal; an accountant whose role hides amounts looks at it; the company goes, with its deal.</summary>
[Collection(SharedChromium.Name)]
public sealed class DealsJourneys(Chromium chromium)
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task Sales_agent_converts_a_lead_into_contact_company_and_deal()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        var agentRole = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent").Select(r => r.Id).SingleAsync());
        var accountantRole = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Accountant").Select(r => r.Id).SingleAsync());
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = accountantRole, Module = CrmModules.Deals.Key, Field = "amount", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        var agent = await app.CreateUserAsync("omar@crm.test", Password, name: "Omar Haddad");
        var accountant = await app.CreateUserAsync("raj@crm.test", Password, name: "Raj Patel");
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == agent.Id)).RoleId = agentRole;
            (await db.Users.SingleAsync(u => u.Id == accountant.Id)).RoleId = accountantRole;
            return await db.SaveChangesAsync();
        });

        await journey.SignInAsync("omar@crm.test", Password);
        await page.GotoAsync("/leads");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add lead", Exact = true }).ClickAsync();
        await journey.Field("First name").FillAsync("Lena");
        await journey.Field("Last name").FillAsync("Lindqvist");
        await journey.Field("Company name (optional)").FillAsync("Nordic Tools AB");
        await journey.Field("Email (optional)").FillAsync("lena@nordictools.example");
        await journey.Field("Status").SelectOptionAsync("qualified");
        await journey.Button("Add lead").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Lead saved.");

        await page.GetByRole(AriaRole.Link, new() { Name = "Convert", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Create the company")).ToBeCheckedAsync();
        await journey.Field("Deal title").FillAsync("Nordic Tools: first order");
        await journey.Field("Deal amount").FillAsync("12500.00");
        await journey.Button("Convert lead").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Lead converted.");
        var links = page.Locator(".converted-links a");
        await Expect(links).ToHaveTextAsync(["Lena Lindqvist", "Nordic Tools AB", "Nordic Tools: first order"]);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);

        await links.Nth(2).ClickAsync();
        await Expect(page.Locator(".deal-amount")).ToHaveTextAsync("12,500.00 EUR");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Nordic Tools AB", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Lena Lindqvist", Exact = true })).ToBeVisibleAsync();
        var dealUrl = page.Url;
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "deal-page.png"), FullPage = true });

        // A second deal, so the list shows more than one row.
        await page.GotoAsync("/deals");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add deal", Exact = true }).ClickAsync();
        await journey.Field("Title").FillAsync("Service contract renewal");
        await journey.Field("Stage").SelectOptionAsync("negotiation");
        await journey.Field("Amount").FillAsync("4800");
        await journey.Field("Probability in % (optional)").FillAsync("70");
        await journey.Field("Expected close (optional)").FillAsync("2026-12-15");
        await journey.Button("Add deal").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Deal saved.");
        await page.GotoAsync("/deals");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "deals-list.png"), FullPage = true });

        // The accountant's role hides deal amounts: the deal is there, its amount is not.
        var raj = await journey.OpenSecondBrowserAsync("accountant");
        await journey.SignInAsync("raj@crm.test", Password, raj);
        await raj.GotoAsync(dealUrl);
        await Expect(raj.GetByRole(AriaRole.Heading, new() { Name = "Nordic Tools: first order" })).ToBeVisibleAsync();
        await Expect(raj.Locator(".deal-amount")).ToHaveCountAsync(0);
        await Expect(raj.Locator("main")).Not.ToContainTextAsync("12,500");
        await Expect(raj.Locator("main")).Not.ToContainTextAsync("EUR");
        await raj.GotoAsync("/deals");
        await Expect(raj.Locator("main")).Not.ToContainTextAsync("12,500");
        await Expect(raj.Locator("main")).Not.ToContainTextAsync("EUR");

        // An administrator deletes the company: the confirmation lists its deal, and the deal goes with it.
        var admin = await journey.OpenSecondBrowserAsync("administrator");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword, admin);
        await admin.GotoAsync("/companies");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Nordic Tools AB", Exact = true }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(admin.Locator(".deleted-with-also")).ToContainTextAsync("Nordic Tools: first order");
        await Expect(admin.Locator(".deleted-with").First).ToContainTextAsync("Lena Lindqvist");
        await admin.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Delete company") }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Company 'Nordic Tools AB' and 1 contacts deleted.");
        await admin.GotoAsync("/deals");
        await Expect(admin.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(admin.Locator("tbody")).ToContainTextAsync("Service contract renewal");
        journey.AssertNoErrors();
    }
}
