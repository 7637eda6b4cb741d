using System.Globalization;
using System.Text;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// A user imports 1,000 contacts through the wizard (issue 26): from the contact list's Import button,
/// a file with 3 bad rows is checked and refused row by row; the fixed file is checked, confirmed and
/// imported in the background while the page follows its progress; then the import is undone.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class ImportJourneys(Chromium chromium)
{
    private static byte[] File(bool withErrors)
    {
        var csv = new StringBuilder("First name;Last name;Email;Job title\r\n");
        for (var i = 1; i <= 1_000; i++)
        {
            var bad = withErrors && i is 17 or 500 or 999;
            var email = bad && i == 17 ? "not-an-email" : $"journey{i}@import.example";
            var last = bad && i == 500 ? "" : $"Imported {i}";
            var first = bad && i == 999 ? "<b>Bold</b>" : "Jo";
            csv.Append(CultureInfo.InvariantCulture, $"{first};{last};{email};Buyer\r\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    // A check, import or undo of 1,000 rows runs in the background, every row through the module's
    // own save or delete: on two cores shared with both integration lanes the undo has taken over
    // the journeys' usual 60 s. The page follows the job, so the wait ends as soon as it is done.
    private static readonly LocatorAssertionsToHaveAttributeOptions s_bulkJob = new() { Timeout = 180_000 };

    [Fact]
    public async Task A_user_checks_fixes_imports_and_undoes_a_file_of_1000_contacts()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await page.GotoAsync("/contacts");
        await page.GetByRole(AriaRole.Link, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(journey.Field("Import into")).ToHaveValueAsync("contacts");
        await journey.Field("File (.xlsx or .csv)").SetInputFilesAsync(new FilePayload { Name = "contacts.csv", MimeType = "text/csv", Buffer = File(withErrors: true) });
        await journey.Button("Upload and map the columns").ClickAsync();

        // The columns are mapped by their names; the check runs in the background and the page follows it.
        await Expect(page.Locator("select[name='Targets[2]']")).ToHaveValueAsync("email");
        await journey.Button("Check the file (nothing is written)").ClickAsync();
        await Expect(page.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "checked", s_bulkJob);
        await Expect(page.Locator("tr.import-problem")).ToHaveCountAsync(3);
        await Expect(page.Locator("tr.import-problem").First).ToContainTextAsync("Email must be an email address");
        await Expect(journey.Button("Confirm the import")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "import-check.png") });

        // The fixed file: checked, confirmed, imported.
        await page.GotoAsync("/import?module=contacts");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back up Contacts (Excel)" })).ToHaveAttributeAsync("href", "/api/v1/contacts/export?format=xlsx");
        await journey.Field("File (.xlsx or .csv)").SetInputFilesAsync(new FilePayload { Name = "contacts-fixed.csv", MimeType = "text/csv", Buffer = File(withErrors: false) });
        await journey.Button("Upload and map the columns").ClickAsync();
        await journey.Button("Check the file (nothing is written)").ClickAsync();
        await Expect(page.Locator("[data-count=created]")).ToHaveTextAsync("1,000", new() { Timeout = s_bulkJob.Timeout });
        // An administrator may confirm without automation; left unticked, rules and webhooks see the import.
        await Expect(page.GetByLabel("Import without automation", new() { Exact = false })).Not.ToBeCheckedAsync();
        await journey.Button("Confirm the import").ClickAsync();
        await Expect(page.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "imported", s_bulkJob);
        Assert.Equal(1_000, await journey.App.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.Email!.EndsWith("@import.example"))));

        await journey.Button("Undo this import").ClickAsync();
        await Expect(page.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "undone", s_bulkJob);
        Assert.Equal(0, await journey.App.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.Email!.EndsWith("@import.example"))));
        journey.AssertNoErrors();
    }
}
