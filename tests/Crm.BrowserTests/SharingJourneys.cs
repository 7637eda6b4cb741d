using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>A sales agent shares one of their deals with a colleague in another department, who then sees it, until the share is removed.</summary>
[Collection(SharedChromium.Name)]
public sealed class SharingJourneys(Chromium chromium)
{
    [Fact]
    public async Task Sales_agent_shares_a_deal_with_a_colleague_in_another_department()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        var agentRole = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent").Select(r => r.Id).SingleAsync());
        var north = await DepartmentAsync(app, "Sales North");
        var south = await DepartmentAsync(app, "Sales South");
        var omar = await UserAsync(app, "omar@crm.test", agentRole, north);
        await UserAsync(app, "nina@crm.test", agentRole, south);
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == omar.Id)).FullName = "Omar Haddad";
            (await db.Users.SingleAsync(u => u.Email == "nina@crm.test")).FullName = "Nina Berg";
            return await db.SaveChangesAsync();
        });
        var deal = await ObjectKit.DealAsync(app, "Nordic Tools: second order", omar.Id, north);

        // Nina's role shows her only her own deals: Omar's is not found.
        var nina = await journey.OpenSecondBrowserAsync("nina");
        await journey.SignInAsync("nina@crm.test", Password, nina);
        await journey.GotoRefusedAsync($"/deals/{deal}", 404, nina);

        await journey.SignInAsync("omar@crm.test", Password);
        await page.GotoAsync($"/deals/{deal}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sharing", Exact = true }).ClickAsync();
        await Expect(page.Locator("#no-shares")).ToBeVisibleAsync();
        await journey.Field("With").SelectOptionAsync(new SelectOptionValue { Label = "Nina Berg" });
        await journey.Field("Access").SelectOptionAsync("edit");
        await journey.Button("Share").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved.");
        await Expect(page.Locator("#shares tbody tr")).ToContainTextAsync(["user 'Nina Berg'"]);
        var ninaRow = page.Locator("#access tbody tr").Filter(new() { HasText = "Nina Berg" });
        await Expect(ninaRow).ToContainTextAsync("View and edit");
        await Expect(ninaRow).ToContainTextAsync("is shared for edit with Nina Berg");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "record-sharing.png"), FullPage = true });

        // Nina now finds it in her list and opens it.
        await nina.GotoAsync("/deals");
        await nina.GetByRole(AriaRole.Link, new() { Name = "Nordic Tools: second order", Exact = true }).ClickAsync();
        await Expect(nina.Locator("h1")).ToContainTextAsync("Nordic Tools: second order");
        await Expect(nina.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToBeVisibleAsync();

        // Removed by Omar: gone from Nina's next request.
        await page.Locator("#shares").GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await Expect(page.Locator("#no-shares")).ToBeVisibleAsync();
        await journey.GotoRefusedAsync($"/deals/{deal}", 404, nina);
        journey.AssertNoErrors();
    }
}
