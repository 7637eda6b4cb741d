using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>Moving around: the sections bar on every page, and a related record chosen by its name rather than its ID.</summary>
[Collection(SharedChromium.Name)]
public sealed class NavigationJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_picks_a_contacts_company_by_typing_part_of_its_name_and_moves_between_sections()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        var adminId = await app.AdminIdAsync();
        var nordwind = await CompanyAsync(app, "Nordwind Logistics", adminId, null);
        await CompanyAsync(app, "Nordic Tools AB", adminId, null);
        await CompanyAsync(app, "Brauhaus Süd", adminId, null);
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        // The sections bar: one click from Contacts to Deals, the current section marked.
        var sectionsBar = page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" });
        await sectionsBar.GetByRole(AriaRole.Link, new() { Name = "Contacts", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(journey.Url("/contacts"));
        await Expect(sectionsBar.Locator("[aria-current=page]")).ToHaveTextAsync("Contacts");
        await sectionsBar.GetByRole(AriaRole.Link, new() { Name = "Deals", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(journey.Url("/deals"));
        await Expect(sectionsBar.Locator("[aria-current=page]")).ToHaveTextAsync("Deals");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Screenshot("navigation.png") });

        // A few letters of the name, the arrow key and Enter: the company is chosen, the form is not sent.
        await page.GotoAsync("/contacts/new");
        await journey.Field("First name").FillAsync("Greta");
        await journey.Field("Last name").FillAsync("Lund");
        var company = page.GetByRole(AriaRole.Combobox, new() { Name = "Company (optional)" });
        await company.PressSequentiallyAsync("nord");
        var suggestions = await SuggestionsOfAsync(page, company);
        await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveCountAsync(2);
        await Expect(suggestions).ToContainTextAsync("Nordwind Logistics");
        await Expect(suggestions).ToContainTextAsync("Nordic Tools AB");
        await Expect(suggestions).Not.ToContainTextAsync("Brauhaus");
        await page.ScreenshotAsync(new() { Path = Screenshot("record-picker.png") });

        // The mouse: a click on the suggestion.
        await suggestions.GetByRole(AriaRole.Option, new() { Name = "Nordwind Logistics" }).ClickAsync();
        await Expect(company).ToHaveValueAsync("Nordwind Logistics");
        await Expect(suggestions).ToBeHiddenAsync();
        await Expect(page.Locator("input[type=hidden][name='Input.CompanyId']")).ToHaveValueAsync($"{nordwind}");

        // The keyboard alone: type, arrow down to the one suggestion, Enter chooses it without sending the form.
        await company.FillAsync("");
        await company.PressSequentiallyAsync("wind");
        await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        await company.PressAsync("ArrowDown");
        await Expect(suggestions.GetByRole(AriaRole.Option).First).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(company).ToHaveAttributeAsync("aria-activedescendant", $"{await company.GetAttributeAsync("id")}-suggestions-0");
        await company.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(journey.Url("/contacts/new"));
        await Expect(company).ToHaveValueAsync("Nordwind Logistics");

        await journey.Button("Add contact").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Contact saved.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Nordwind Logistics", Exact = true })).ToBeVisibleAsync();
        var contact = await app.InDatabaseAsync(db => db.Contacts.Where(c => c.LastName == "Lund").Select(c => new { c.Id, c.CompanyId }).SingleAsync());
        Assert.Equal(nordwind, contact.CompanyId);
        var contactId = contact.Id;

        // Editing shows the company by its name; the ID typed as "ID n" still works.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Expect(company).ToHaveValueAsync("Nordwind Logistics");
        await Expect(sectionsBar.Locator("[aria-current=page]")).ToHaveTextAsync("Contacts");

        // Where the form chooses the kind of record, the suggestions follow the choice.
        await page.GotoAsync("/tasks/new");
        await journey.Field("Title").FillAsync("Call about the first order");
        await journey.Field("About a (optional)").SelectOptionAsync("companies");
        var about = page.GetByRole(AriaRole.Combobox, new() { Name = "Which record" });
        suggestions = await SuggestionsOfAsync(page, about);
        await about.PressSequentiallyAsync("brau");
        await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveTextAsync(["Brauhaus Süd ID 3"]);
        await about.PressAsync("ArrowDown");
        await about.PressAsync("Enter");
        await Expect(about).ToHaveValueAsync("Brauhaus Süd");
        await journey.Field("About a (optional)").SelectOptionAsync("deals");
        await Expect(about).ToHaveValueAsync("");
        await journey.Field("About a (optional)").SelectOptionAsync("companies");
        await about.PressSequentiallyAsync("nordw");
        await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveTextAsync(["Nordwind Logistics ID 1"]);
        await page.ScreenshotAsync(new() { Path = Screenshot("record-picker-task.png") });
        await suggestions.GetByRole(AriaRole.Option).ClickAsync();
        await journey.Button("Add task").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Nordwind Logistics", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync($"/contacts/{contactId}/edit");
        suggestions = await SuggestionsOfAsync(page, company);

        // At phone width the sections fold behind a button, and nothing runs off the side of the page.
        await page.SetViewportSizeAsync(375, 800);
        await company.FillAsync("");
        await company.PressSequentiallyAsync("nord");
        await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Screenshot("record-picker-phone.png"), FullPage = true });
        Assert.True(await FitsAsync(page), "The form with its suggestions is wider than the phone.");
        await company.PressAsync("Escape");
        await Expect(suggestions).ToBeHiddenAsync();

        await page.GotoAsync("/deals");
        var links = sectionsBar.GetByRole(AriaRole.Link, new() { Name = "Companies", Exact = true });
        await Expect(links).ToBeHiddenAsync();
        await sectionsBar.GetByRole(AriaRole.Button, new() { Name = "Sections" }).ClickAsync();
        await Expect(links).ToBeVisibleAsync();
        await Expect(page.Locator("#section-links.show:not(.collapsing)")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Screenshot("navigation-phone.png"), FullPage = true });
        Assert.True(await HeaderFitsAsync(page), "The header with its sections open is wider than the phone.");
        await links.ClickAsync();
        await Expect(page).ToHaveURLAsync(journey.Url("/companies"));
        Assert.True(await HeaderFitsAsync(page), "The header is wider than the phone.");
        journey.AssertNoErrors();
    }

    /// <summary>The list of suggestions a combobox controls (a form may have several, and other list boxes).</summary>
    private static async Task<ILocator> SuggestionsOfAsync(IPage page, ILocator combobox) =>
        page.Locator($"#{await combobox.GetAttributeAsync("aria-controls")}");

    private static string Screenshot(string name) => Path.Combine(RepositoryRoot.Path, "docs", "images", name);

    /// <summary>Whether the page fits the viewport's width (no sideways scrolling of the whole page).</summary>
    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    /// <summary>Whether the header (brand, search, account menu, sections) fits the viewport's width; lists may scroll their own tables.</summary>
    private static Task<bool> HeaderFitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => [...document.querySelectorAll('header, header *')].every(e => e.getBoundingClientRect().right <= window.innerWidth + 0.5)");
}
