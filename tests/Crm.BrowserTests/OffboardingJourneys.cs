using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.ApiTokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// An administrator offboards a colleague on their last day, through the whole wizard, while the
/// colleague's browser and API token are still in use; the summary is what the docs show.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class OffboardingJourneys(Chromium chromium)
{
    private const string LeaName = "Lea Leaving";
    private const string LeaEmail = "lea.leaving@crm.test";
    private const string LeaPassword = "lantern orchard velvet 31";
    private const string RobName = "Rob Receiving";

    [Fact]
    public async Task Administrator_offboards_a_leaver_through_the_wizard_and_prints_the_summary()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var app = journey.App;
        var lea = await app.CreateUserAsync(LeaEmail, LeaPassword, name: LeaName);
        var rob = await app.CreateUserAsync("rob.receiving@crm.test", "a good long passphrase", name: RobName);
        var company = await CompanyAsync(app, "Northwind Traders", lea.Id, null);
        await ContactAsync(app, "Nina", "Northwind", company, lea.Id, null);
        await ContactAsync(app, "Otto", "Loose", null, lea.Id, null);
        await ObjectKit.DealAsync(app, "Northwind renewal", lea.Id, null, company);
        var issued = ApiTokenFormat.Issue();
        await app.InDatabaseAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken
            {
                Id = Guid.CreateVersion7(), Name = "Lea's spreadsheet sync", UserId = lea.Id, Prefix = issued.Prefix, SecretHash = issued.SecretHash,
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            });
            return await db.SaveChangesAsync();
        });

        // Lea is at work: signed in at her own browser, and her sync calls the API.
        var leasBrowser = await journey.OpenSecondBrowserAsync(LeaName);
        await journey.SignInAsync(LeaEmail, LeaPassword, leasBrowser);
        await Expect(leasBrowser).ToHaveURLAsync(journey.Url("/"));
        var bearer = new Dictionary<string, string> { ["Authorization"] = "Bearer " + issued.Token };
        Assert.Equal(200, (await leasBrowser.APIRequest.GetAsync(journey.Url("/api/v1/me"), new() { Headers = bearer })).Status);

        // The administrator opens the wizard from Lea's page.
        var admin = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);
        await admin.GotoAsync("/admin/users");
        await admin.GetByRole(AriaRole.Link, new() { Name = LeaName, Exact = true }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Offboard…", Exact = true }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/users/[0-9a-f-]{36}/offboard$"));
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Offboard {LeaName}");
        var holdings = admin.Locator("#step-holdings");
        await Expect(holdings).ToContainTextAsync("Lea's spreadsheet sync");
        await Expect(holdings.Locator("#held-records")).ToContainTextAsync("2 contacts");

        // 1. Deactivate now: Lea's open session and her token stop at their next request.
        await journey.Button("Deactivate now").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("signed out everywhere");
        await Expect(admin.Locator("#step-deactivate .offboarding-done")).ToContainTextAsync("by Administrator");
        await leasBrowser.GotoAsync("/");
        await Expect(leasBrowser).ToHaveURLAsync(journey.Url("/account/sign-in?ReturnUrl=%2F"));
        Assert.Equal(401, (await leasBrowser.APIRequest.GetAsync(journey.Url("/api/v1/me"), new() { Headers = bearer })).Status);

        // 3. Reassign: Lea herself is not offered; the preview counts, then the move.
        await Expect(journey.Field($"Give everything {LeaName} owns to").Locator("option", new() { HasText = LeaName })).ToHaveCountAsync(0);
        await journey.Button("Preview").ClickAsync();
        await Expect(admin.Locator("[data-valmsg-for=ReceiverId]")).ToContainTextAsync("Choose the active user");
        await journey.Field($"Give everything {LeaName} owns to").SelectOptionAsync(new SelectOptionValue { Label = $"{RobName} <rob.receiving@crm.test>" });
        await journey.Button("Preview").ClickAsync();
        await Expect(admin.Locator("#reassign-preview")).ToContainTextAsync("companies: 1");
        await Expect(admin.Locator("#reassign-preview")).ToContainTextAsync("contacts: 2");
        await journey.Button($"Reassign 4 record(s) to {RobName}").ClickAsync();
        await Expect(admin.Locator("#step-reassign .offboarding-done")).ToBeVisibleAsync();
        await Expect(admin.Locator("#step-reassign")).ToContainTextAsync($"Moved to {RobName}");
        Assert.Equal([rob.Id], await app.InDatabaseAsync(db => db.Contacts.Select(c => c.OwnerId).Distinct().ToListAsync()));

        // 4. Revoke the token for good.
        await journey.Button("Revoke 1 token(s)").ClickAsync();
        await Expect(admin.Locator("#step-revoke-tokens .offboarding-done")).ToContainTextAsync("by Administrator");

        // 5. The external systems: the seed's two, and one more.
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "Corporate email", Exact = true }).CheckAsync();
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "VPN", Exact = true }).CheckAsync();
        await admin.GetByRole(AriaRole.Textbox, new() { Name = "Other system" }).First.FillAsync("Cloud drive");
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "Access ended" }).First.CheckAsync();
        await journey.Button("Save checklist").ClickAsync();
        await Expect(admin.Locator("#step-external-systems .offboarding-done")).ToBeVisibleAsync();
        await Expect(admin.Locator(".offboarding-done")).ToHaveCountAsync(4);

        // 6. The summary: every step, when and by whom; the picture in the docs.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Open the summary", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Offboarding of {LeaName}");
        await Expect(admin.Locator("#summary-steps")).Not.ToContainTextAsync("Not done");
        await Expect(admin.Locator("#summary-steps")).ToContainTextAsync("Revoked 1 API token(s)");
        await Expect(admin.Locator("#summary-checklist")).ToContainTextAsync("Cloud drive");
        await Expect(admin.Locator("#summary-checklist")).Not.ToContainTextAsync("Not yet");
        await admin.Mouse.MoveAsync(0, 0);
        await admin.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "offboarding-summary.png"), FullPage = true });
        // Printed, the menus give way to the content.
        await admin.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(admin.Locator("body > header")).ToBeHiddenAsync();
        await admin.EmulateMediaAsync(new() { Media = Media.Screen });

        // Lea cannot come back in.
        await journey.SignInAsync(LeaEmail, LeaPassword, leasBrowser);
        await Expect(leasBrowser.GetByRole(AriaRole.Alert)).ToContainTextAsync("This account is deactivated.");
        journey.AssertNoErrors();
    }
}
