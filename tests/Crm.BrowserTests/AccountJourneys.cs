using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>What a person does with their account, in a real browser against a real server.</summary>
[Collection(SharedChromium.Name)]
public sealed class AccountJourneys(Chromium chromium)
{
    private const string AdminName = "Administrator";

    [Fact]
    public async Task Administrator_signs_in_and_sees_the_home_page()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;

        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        await Expect(page).ToHaveURLAsync(journey.Url("/"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome, {AdminName}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Help", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".help-link")).ToBeVisibleAsync();

        // The picture in the docs: no card left in its hover state by the pointer.
        await page.Mouse.MoveAsync(0, 0);
        var screenshot = Path.Combine(RepositoryRoot.Path, "docs", "images", "home.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        journey.AssertNoErrors();
    }

    [Fact]
    public async Task A_temporary_password_must_be_changed_before_anything_else()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        const string Temporary = "first light harbour 19";
        const string Chosen = "copper meadow violin 88";
        await journey.App.CreateUserAsync("temp@crm.test", Temporary, mustChangePassword: true, name: "Tess Temp");

        await journey.SignInAsync("temp@crm.test", Temporary);
        await Expect(page).ToHaveURLAsync(journey.Url("/account/change-password"));
        await Expect(page.GetByText("You signed in with a temporary password")).ToBeVisibleAsync();

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(journey.Url("/account/change-password"));

        await journey.Field("Current password").FillAsync(Temporary);
        await journey.Field("New password").FillAsync(Chosen);
        await journey.Field("Repeat the new password").FillAsync(Chosen);
        await journey.Button("Change password").ClickAsync();
        await Expect(page).ToHaveURLAsync(journey.Url("/"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Tess Temp");

        await journey.SignOutAsync("Tess Temp");
        await journey.SignInAsync("temp@crm.test", Temporary);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(SignInUser.FailureMessage);

        await journey.SignInAsync("temp@crm.test", Chosen);
        await Expect(page).ToHaveURLAsync(journey.Url("/"));
        journey.AssertNoErrors();
    }

    [Fact]
    public async Task Signing_out_from_the_user_menu_ends_the_session()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);
        await Expect(page).ToHaveURLAsync(journey.Url("/"));

        await journey.SignOutAsync(AdminName);

        await Expect(page).ToHaveURLAsync(journey.Url("/account/sign-in?notice=signed-out"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You have signed out.");
        await Expect(journey.Button(AdminName)).ToHaveCountAsync(0);

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(journey.Url("/account/sign-in?ReturnUrl=%2F"));
        journey.AssertNoErrors();
    }

    [Fact]
    public async Task A_failed_sign_in_says_only_that_it_failed_and_keeps_the_email()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;

        await journey.SignInAsync(CrmApp.AdminEmail, "not the password 1");

        await Expect(page).ToHaveURLAsync(journey.Url("/account/sign-in"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(SignInUser.FailureMessage);
        await Expect(journey.Field("Password")).ToHaveValueAsync("");
        await Expect(journey.Field("Email")).ToHaveValueAsync(CrmApp.AdminEmail);

        // An unknown address reads exactly the same: the form does not tell who has an account.
        await journey.SignInAsync("nobody@crm.test", "not the password 1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(SignInUser.FailureMessage);
        journey.AssertNoErrors();
    }

    [Fact]
    public async Task The_sign_in_form_works_from_the_keyboard_alone()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var email = journey.Field("Email");
        await page.GotoAsync("/account/sign-in");
        await Expect(email).ToBeFocusedAsync();

        // From the top of the page: past the skip link, the brand and the help link.
        await page.EvaluateAsync("() => document.activeElement.blur()");
        for (var presses = 0; !await email.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
        {
            Assert.True(presses < 10, "Tab never reached the email field.");
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.TypeAsync(CrmApp.AdminEmail);
        await page.Keyboard.PressAsync("Tab");
        await Expect(journey.Field("Password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(CrmApp.AdminPassword);
        await page.Keyboard.PressAsync("Tab");
        await Expect(journey.Button("Sign in")).ToBeFocusedAsync();

        // Enter in a field submits: the fields and the button make one well-formed form.
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(journey.Url("/"));
        journey.AssertNoErrors();
    }
}
