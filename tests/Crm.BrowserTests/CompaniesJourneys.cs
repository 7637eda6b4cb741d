using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>Companies in a real browser: countries matched or reported, the search box, and a mass transfer that takes the contacts along.</summary>
[Collection(SharedChromium.Name)]
public sealed partial class CompaniesJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_adds_companies_finds_one_by_id_and_transfers_them_with_their_contacts()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var receiver = await journey.App.CreateUserAsync("omar@crm.test", "a good long passphrase", name: "Omar Haddad");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        var germanId = await AddCompanyAsync(journey, "Brauhaus Nord", "deutschland");
        await Expect(page.Locator("main")).ToContainTextAsync("Germany");
        var narniaId = await AddCompanyAsync(journey, "Faun Trading", "Narnia");
        await Expect(page.Locator("main")).ToContainTextAsync("not recognised");

        // The unrecognised value reached the administrators, once, with what to do about it.
        await page.GotoAsync("/notifications");
        await Expect(page.Locator("main")).ToContainTextAsync("Unrecognised country 'Narnia'");

        // "ID n" in the navigation bar's search box opens the record.
        await page.GotoAsync("/");
        await page.GetByLabel("Search, or ID 123").FillAsync($"id {germanId}");
        await page.GetByLabel("Search, or ID 123").PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(journey.Url($"/companies/{germanId}"));
        await page.GetByLabel("Search, or ID 123").FillAsync("faun");
        await page.GetByLabel("Search, or ID 123").PressAsync("Enter");
        await Expect(page.Locator(".search-group[data-module='companies']")).ToContainTextAsync("Faun Trading");

        var contactId = await journey.App.InDatabaseAsync(async db =>
        {
            var company = await db.Companies.SingleAsync(c => c.Id == narniaId);
            var contact = new Contact { FirstName = "Mr", LastName = "Tumnus", CompanyId = narniaId, OwnerId = company.OwnerId, DepartmentId = company.DepartmentId, CreatedAt = company.CreatedAt, ModifiedAt = company.ModifiedAt, Version = 1 };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            return contact.Id;
        });

        await page.GotoAsync("/companies");
        await page.GetByLabel("Select Brauhaus Nord").CheckAsync();
        await page.GetByLabel("Select Faun Trading").CheckAsync();
        await journey.Field("Transfer selected to…").SelectOptionAsync(new SelectOptionValue { Label = "Omar Haddad" });
        await journey.Button("Transfer").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(TransferredMessage());
        await Expect(page.Locator("tbody")).ToContainTextAsync("Omar Haddad");
        Assert.Equal(receiver.Id, await journey.App.InDatabaseAsync(db => db.Contacts.Where(c => c.Id == contactId).Select(c => c.OwnerId).SingleAsync()));

        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "companies.png"), FullPage = true });
        journey.AssertNoErrors();
    }

    private static async Task<int> AddCompanyAsync(Journey journey, string name, string country)
    {
        var page = journey.Page;
        await page.GotoAsync("/companies/new");
        await journey.Field("Name").FillAsync(name);
        await journey.Field("Country (optional)").FillAsync(country);
        await journey.Button("Add company").ClickAsync();
        await Expect(page).ToHaveURLAsync(CompanyPage());
        return int.Parse(CompanyPage().Match(page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"/companies/(\d+)(\?|$)")]
    private static partial Regex CompanyPage();

    [GeneratedRegex("2 compan", RegexOptions.IgnoreCase)]
    private static partial Regex TransferredMessage();
}
