using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Tests.TwoFactor;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>Two-factor sign-in in a real browser, with codes from oathtool at the app's clock.</summary>
[Collection(SharedChromium.Name)]
public sealed class TwoFactorJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_sets_up_an_authenticator_app_then_signs_in_with_a_code()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor sign-in", Exact = true }).ClickAsync();
        await journey.Button("Set up two-factor sign-in").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code of your new two-factor key" })).ToBeVisibleAsync();
        var secret = (await page.Locator("#key-text").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);

        await journey.Field("Code").FillAsync(TwoFactorTests.Code(secret, journey.App.Clock.GetUtcNow()));
        await journey.Button("Turn on two-factor sign-in").ClickAsync();
        await Expect(page.Locator(".recovery-code")).ToHaveCountAsync(10);
        await Expect(page.Locator("#two-factor-status")).ToContainTextAsync("On");

        await journey.SignOutAsync("Administrator");
        journey.App.Clock.Advance(TimeSpan.FromSeconds(30));
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);
        await Expect(page).ToHaveURLAsync(journey.Url("/account/second-step"));
        await journey.Field("Code from your authenticator app").FillAsync(TwoFactorTests.Code(secret, journey.App.Clock.GetUtcNow()));
        await journey.Button("Sign in").ClickAsync();
        await Expect(page).ToHaveURLAsync(journey.Url("/"));
        journey.AssertNoErrors();
    }
}
