using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>An administrator builds "urgent lead → notify the owner's manager" from the template, tries it, enables it; a sales agent's urgent lead reaches the manager.</summary>
[Collection(SharedChromium.Name)]
public sealed class AutomationJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_enables_the_urgent_lead_template_and_the_agents_manager_is_told()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        var roles = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent" || r.Name == "Sales manager").ToDictionaryAsync(r => r.Name, r => r.Id));
        var east = await DepartmentAsync(app, "Sales East");
        var mia = await UserAsync(app, "mia@crm.test", roles["Sales manager"], east);
        var sam = await UserAsync(app, "sam@crm.test", roles["Sales agent"], east);
        var tried = await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == mia.Id)).FullName = "Mia Lindqvist";
            (await db.Users.SingleAsync(u => u.Id == sam.Id)).FullName = "Sam Okafor";
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var lead = new Lead
            {
                FirstName = "Tess", LastName = "Trial", CompanyName = "Trial Works", Notes = "Urgent: call before noon", OwnerId = sam.Id, DepartmentId = east,
                CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.Leads.Add(lead);
            await db.SaveChangesAsync();
            return lead.Id;
        });

        // The administrator makes the rule from the template and tries it on Sam's lead: nothing is sent.
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);
        await page.GotoAsync("/admin/automation");
        await page.Locator("[data-template=urgent-lead]").GetByRole(AriaRole.Button, new() { Name = "Use", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Urgent lead");
        await Expect(page.Locator("#rule")).ToContainTextAsync("Disabled");
        await journey.Field("ID of a record of leads").FillAsync(tried.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await journey.Button("Try").ClickAsync();
        await Expect(page.Locator("#try-outcome")).ToContainTextAsync("Matches");
        await Expect(page.Locator("#try-outcome")).ToContainTextAsync("Notify Mia Lindqvist (the owner's manager): \"Urgent lead: Tess Trial\"");
        await journey.Button("Enable").ClickAsync();
        await Expect(page.Locator("#rule")).ToContainTextAsync("Enabled");

        // Sam adds an urgent lead through the form.
        var agent = await journey.OpenSecondBrowserAsync("sam");
        await journey.SignInAsync("sam@crm.test", Password, agent);
        await agent.GotoAsync("/leads/new");
        await journey.Field("First name", agent).FillAsync("Ursula");
        await journey.Field("Last name", agent).FillAsync("Quick");
        await journey.Field("Company name (optional)", agent).FillAsync("Quick Freight");
        await journey.Field("Notes (optional)", agent).FillAsync("URGENT - wants a demo tomorrow");
        await journey.Button("Add lead", agent).ClickAsync();
        await Expect(agent.Locator("h1")).ToContainTextAsync("Ursula Quick");

        // A moment later Mia, Sam's manager, has the notification.
        var manager = await journey.OpenSecondBrowserAsync("mia");
        await journey.SignInAsync("mia@crm.test", Password, manager);
        await ReloadUntilAsync(manager, "/notifications", "main", "Urgent lead: Ursula Quick");
        await Expect(manager.Locator("main")).Not.ToContainTextAsync("Tess Trial");

        // The run log shows the run, the condition that held and the notification sent.
        await ReloadUntilAsync(page, page.Url, "#runs", "Notified 1 person.");
        await Expect(page.Locator("#runs")).ToContainTextAsync("Ursula Quick");
        await Expect(page.Locator("#runs")).ToContainTextAsync("notes contains urgent");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "automation-rule.png"), FullPage = true });

        // The "deal closing in 7 days" template makes a rule timed on a date: its page lists Sam's deal among the next firings.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            db.Deals.Add(new Crm.Web.Features.Deals.Deal
            {
                Title = "Quick Freight fleet renewal", Stage = "proposal", Amount = 1_250_000, Currency = "EUR", ExpectedClose = today.AddDays(10),
                OwnerId = sam.Id, DepartmentId = east, CreatedAt = now, ModifiedAt = now, Version = 1,
            });
            return await db.SaveChangesAsync();
        });
        await page.GotoAsync("/admin/automation");
        await page.Locator("[data-template=deal-closing]").GetByRole(AriaRole.Button, new() { Name = "Use", Exact = true }).ClickAsync();
        await Expect(page.Locator("#rule")).ToContainTextAsync("7 days before Expected close of a record of deals");
        await Expect(page.Locator("#upcoming")).ToContainTextAsync("Quick Freight fleet renewal");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "automation-date-rule.png"), FullPage = true });
        journey.AssertNoErrors();
    }

    /// <summary>The engine acts a moment after the save (the sealer's round, then the worker's): reload until the text is there, for up to 20 seconds.</summary>
    private static async Task ReloadUntilAsync(IPage page, string url, string selector, string text)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.GotoAsync(url);
            // AllTextContents does not wait: the run log's table only exists once there is a run.
            if (string.Concat(await page.Locator(selector).AllTextContentsAsync()).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }

        await Expect(page.Locator(selector)).ToContainTextAsync(text);
    }
}
