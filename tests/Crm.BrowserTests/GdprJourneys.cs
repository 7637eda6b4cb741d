using System.IO.Compression;
using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// A data-protection officer answers an access request (registers it, sees what the CRM holds about the
/// person, downloads the export and closes it) and an erasure request (reads what will be erased, is
/// stopped by a wrongly typed address, erases, and finds [DELETED] in the record and its history).
/// </summary>
[Collection(SharedChromium.Name)]
public sealed partial class GdprJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_registers_an_access_request_sees_what_is_held_downloads_the_export_and_closes_it()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var admin = journey.Page;
        var adminId = await journey.App.AdminIdAsync();
        var lead = await ObjectKit.LeadAsync(journey.App, "Ann", "Smith", "Smith & Co", adminId, null, email: "ann.smith@example.com");
        await ObjectKit.LeadAsync(journey.App, "Joann", "Smith", "Other Co", adminId, null, email: "joann.smith@example.com");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        // 1. Register the request from the administration's Data protection page.
        await admin.GotoAsync("/admin/gdpr");
        await admin.GetByRole(AriaRole.Link, new() { Name = "New request", Exact = true }).ClickAsync();
        await journey.Field("Kind of request").SelectOptionAsync("access");
        await journey.Field("The person's email address").FillAsync("ann.smith@example.com");
        await journey.Button("Register request").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/gdpr/\d+$"));
        await Expect(admin.Locator("#request-facts")).ToContainTextAsync("ann.smith@example.com");
        var requestUrl = admin.Url;
        await admin.GotoAsync("/admin/gdpr");
        await Expect(admin.Locator("main table")).ToContainTextAsync("ann.smith@example.com");
        await admin.GotoAsync(requestUrl);

        // 2. What the CRM holds: the lead with that address, not the look-alike.
        await Expect(admin.Locator("#findings section[data-kind=leads] [data-count]")).ToHaveTextAsync("1");
        await Expect(admin.Locator("#findings section[data-kind=leads]")).ToContainTextAsync("Ann Smith");
        await Expect(admin.Locator("#findings")).Not.ToContainTextAsync("Joann");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "gdpr-request.png"), FullPage = true });

        // 3. The export downloads as a zip holding the lead.
        var download = await admin.RunAndWaitForDownloadAsync(() => admin.Locator("#download-export").ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.Ordinal);
        using (var zip = new ZipArchive(File.OpenRead(await download.PathAsync())))
        {
            var leads = zip.Entries.Single(e => e.FullName.StartsWith("leads", StringComparison.Ordinal) && e.FullName.EndsWith(".json", StringComparison.Ordinal));
            using var reader = new StreamReader(leads.Open());
            var json = await reader.ReadToEndAsync();
            Assert.Contains("ann.smith@example.com", json, StringComparison.Ordinal);
            Assert.DoesNotContain("joann", json, StringComparison.OrdinalIgnoreCase);
        }

        // 4. Close it as answered; the register lists it no more among the open ones.
        await journey.Field("Outcome").SelectOptionAsync("answered");
        await journey.Button("Close request").ClickAsync();
        await Expect(admin.Locator("#request-status")).ToContainTextAsync("Answered");
        await admin.GotoAsync("/admin/gdpr");
        await Expect(admin.Locator("main")).Not.ToContainTextAsync("ann.smith@example.com");
        Assert.Equal(1, await journey.App.InDatabaseAsync(db => db.Leads.CountAsync(l => l.Id == lead)));

        journey.AssertNoErrors();
    }

    [Fact]
    public async Task Administrator_answers_an_erasure_request_after_reading_what_will_be_erased()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var admin = journey.Page;
        var adminId = await journey.App.AdminIdAsync();
        var lead = await ObjectKit.LeadAsync(journey.App, "Eve", "Erased", "Forget Me Ltd", adminId, null, email: "eve.erased@example.com");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await admin.GotoAsync("/admin/gdpr/new");
        await journey.Field("Kind of request").SelectOptionAsync("erasure");
        await journey.Field("The person's email address").FillAsync("eve.erased@example.com");
        await journey.Button("Register request").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/gdpr/\d+$"));
        var requestUrl = admin.Url;

        // What will be erased is named before anything happens.
        await admin.Locator("#erase-person").ClickAsync();
        await Expect(admin.Locator("#erasure-plan section[data-kind=leads] [data-count]")).ToHaveTextAsync("1");
        await Expect(admin.Locator("#erasure-plan section[data-kind=leads]")).ToContainTextAsync("Eve Erased");

        // A wrongly typed address stops it, and nothing changes.
        await journey.Field("Type the person's email address (eve.erased@example.com) to confirm").FillAsync("eve@example.com");
        await journey.Button("Erase irreversibly").ClickAsync();
        await Expect(admin.Locator("#erasure-form .text-danger").First).Not.ToBeEmptyAsync();
        Assert.Equal("eve.erased@example.com", await journey.App.InDatabaseAsync(db => db.Leads.Where(l => l.Id == lead).Select(l => l.Email).SingleAsync()));

        await journey.Field("Type the person's email address (eve.erased@example.com) to confirm").FillAsync("eve.erased@example.com");
        await journey.Button("Erase irreversibly").ClickAsync();
        await Expect(admin).ToHaveURLAsync(requestUrl);
        await Expect(admin.Locator("#request-status")).ToContainTextAsync("Answered");

        // The lead is kept with its personal values replaced, and its history no longer shows them.
        await admin.GotoAsync($"/leads/{lead}");
        await Expect(admin.Locator("main")).ToContainTextAsync("[DELETED]");
        await Expect(admin.Locator("main")).Not.ToContainTextAsync("eve.erased@example.com");
        await admin.GotoAsync($"/history/leads/{lead}");
        await Expect(admin.Locator("main")).Not.ToContainTextAsync("eve.erased@example.com");

        journey.AssertNoErrors();
    }
}
