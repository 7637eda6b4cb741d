using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Tests.Settings;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>An administrator sets the CRM up: company and logo, the SMTP server, their language.</summary>
[Collection(SharedChromium.Name)]
public sealed class SettingsJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_brands_the_crm_is_told_why_a_dead_smtp_port_is_refused_and_switches_to_german()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var admin = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        // 1. Company name and logo, from the administration start page.
        await admin.GotoAsync("/admin");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Company", Exact = true }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(journey.Url("/admin/settings/company"));
        await journey.Field("Company name").FillAsync("Northwind Traders");
        await journey.Field("Address (optional)").FillAsync("1 Harbour Street\nPortsmouth PO1 2AB\nUnited Kingdom");
        await journey.Field("Logo for light mode").SetInputFilesAsync(new FilePayload { Name = "logo.png", MimeType = "image/png", Buffer = TinyPng.Create(160, 40) });
        await journey.Field("Logo for dark mode").SetInputFilesAsync(new FilePayload { Name = "logo-dark.png", MimeType = "image/png", Buffer = TinyPng.Create(160, 40, 0xf8, 0xf9, 0xfa) });
        await journey.Button("Save").ClickAsync();
        await Expect(admin).ToHaveURLAsync(journey.Url("/admin/settings/company?saved=true"));
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("The company settings are saved.");

        var brand = admin.Locator(".navbar-brand");
        await Expect(brand.Locator(".brand-name")).ToHaveTextAsync("Northwind Traders");
        var logo = brand.Locator("img.brand-logo");
        await Expect(logo).ToBeVisibleAsync();
        Assert.True(await logo.EvaluateAsync<int>("img => img.naturalWidth") == 160, "the navbar logo did not load");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "settings-company.png"), FullPage = true });

        // 2. SMTP settings pointing at a port where nothing listens: refused with the reason, nothing saved.
        var deadPort = SmtpServer.FreePort();
        await admin.GotoAsync("/admin/settings/email");
        await journey.Field("Host").FillAsync("127.0.0.1");
        await journey.Field("Port").FillAsync(deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await journey.Field("Security").SelectOptionAsync("None");
        await journey.Field("From address").FillAsync("crm@northwind.test");
        await journey.Button("Test and save").ClickAsync();
        var portError = admin.Locator("[data-valmsg-for='Input.Port']");
        await Expect(portError).ToContainTextAsync($"Could not connect to 127.0.0.1:{deadPort}");
        await Expect(portError).ToContainTextAsync("the previous ones stay in force");
        await Expect(admin.Locator(".password-state")).ToHaveTextAsync("No password is set.");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "settings-email.png"), FullPage = true });

        // 3. German for themselves, on their account page.
        await admin.GotoAsync("/account");
        await journey.Field("Language").SelectOptionAsync(new SelectOptionValue { Label = "Deutsch" });
        await journey.Field("Time zone").SelectOptionAsync("Europe/Berlin");
        await journey.Button("Save").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/account\?saved=true$"));
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ihr Konto");
        await Expect(admin.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await journey.Button("Administrator").ClickAsync();
        await Expect(admin.Locator(".dropdown-menu").GetByRole(AriaRole.Link, new() { Name = "Passwort ändern" })).ToBeVisibleAsync();
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Abmelden" })).ToBeVisibleAsync();
        await admin.Keyboard.PressAsync("Escape");
        await Expect(admin.Locator(".time-zone-note")).ToContainTextAsync("Zeiten in Europe/Berlin");
        await admin.GotoAsync("/admin/settings");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Einstellungen");

        journey.AssertNoErrors();
    }
}
