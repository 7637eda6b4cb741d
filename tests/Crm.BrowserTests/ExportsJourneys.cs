using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.BrowserTests;

/// <summary>Exports from list pages: the actions download the list as shown, as Excel or CSV.</summary>
[Collection(SharedChromium.Name)]
public sealed class ExportsJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_downloads_the_searched_contact_list_as_excel_and_the_memo_list_as_csv()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var app = journey.App;
        var page = journey.Page;
        var adminId = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == CrmApp.AdminEmail).Select(u => u.Id).SingleAsync());
        var acme = await CompanyAsync(app, "Acme", adminId, null);
        await ContactAsync(app, "Ada", "Lovelace", acme, adminId, null);
        await ContactAsync(app, "Grace", "Hopper", acme, adminId, null);
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await page.GotoAsync("/contacts?search=lovelace");
        var excel = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export Excel", Exact = true }).ClickAsync());
        Assert.StartsWith("contacts-", excel.SuggestedFilename, StringComparison.Ordinal);
        Assert.EndsWith(".xlsx", excel.SuggestedFilename, StringComparison.Ordinal);
        using (var zip = new System.IO.Compression.ZipArchive(File.OpenRead(await excel.PathAsync())))
        {
            using var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
            var xml = await sheet.ReadToEndAsync();
            Assert.Contains("Lovelace", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("Hopper", xml, StringComparison.Ordinal);
        }

        await page.GotoAsync("/memos");
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV", Exact = true }).ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename, StringComparison.Ordinal);
        Assert.StartsWith("ID,Title,Stage", (await File.ReadAllTextAsync(await csv.PathAsync())).TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(2, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.Action == "exported")));
        journey.AssertNoErrors();
    }
}
