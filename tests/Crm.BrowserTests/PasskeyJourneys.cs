using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.TwoFactor;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// Passkeys in a real browser: Chromium's virtual authenticator (the DevTools protocol's WebAuthn
/// domain) plays the person's device, so registration and sign-in run the whole WebAuthn ceremony.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class PasskeyJourneys(Chromium chromium)
{
    [Fact]
    public async Task A_passkey_registers_then_signs_in_as_second_step_and_alone_where_allowed()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;

        // WebAuthn refuses an IP address as relying party: the browser uses the same server by the name localhost.
        var site = new UriBuilder(journey.Address) { Host = "localhost" }.Uri;
        string At(string path) => new Uri(site, path).ToString();

        var devTools = await page.Context.NewCDPSessionAsync(page);
        await devTools.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });

        await SignInWithPasswordAsync(journey, At("/account/sign-in"));
        await Expect(page).ToHaveURLAsync(At("/"));

        await page.GotoAsync(At("/account/security"));
        await journey.Field("Name of the passkey").FillAsync("Work laptop");
        await journey.Button("Add a passkey").ClickAsync();
        await Expect(page.Locator("[role=status]").Filter(new() { HasText = "The passkey is added" })).ToBeVisibleAsync();
        await Expect(page.Locator("#passkey-list .passkey-name")).ToHaveTextAsync(["Work laptop"]);
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "passkeys.png"), FullPage = true });

        // The password alone no longer opens a session: the passkey is the second step.
        await journey.SignOutAsync("Administrator");
        await SignInWithPasswordAsync(journey, At("/account/sign-in"));
        await Expect(page).ToHaveURLAsync(At("/account/second-step"));
        await journey.Button("Use a passkey").ClickAsync();
        await Expect(page).ToHaveURLAsync(At("/"));
        await page.GotoAsync(At("/account/security"));
        await Expect(page.Locator("#passkey-list .passkey-last-used")).Not.ToHaveTextAsync("not yet");

        // Passwordless sign-in is offered only once an administrator allows it.
        await page.GotoAsync(At("/admin/two-factor"));
        await Expect(page.Locator("#two-factor-users .passkey-count")).ToContainTextAsync("1 passkey");
        await page.GetByLabel("Allow sign-in with a passkey alone, without a password").CheckAsync();
        await journey.Button("Save policy").ClickAsync();
        await Expect(page.Locator("[role=status]").Filter(new() { HasText = "The policy is saved" })).ToBeVisibleAsync();

        await journey.SignOutAsync("Administrator");
        await page.GotoAsync(At("/account/sign-in"));
        await journey.Button("Sign in with a passkey").ClickAsync();
        await Expect(page).ToHaveURLAsync(At("/"));

        var (count, signIns) = await journey.App.InDatabaseAsync(async db => (
            await db.Set<Passkey>().Select(p => p.SignCount).SingleAsync(),
            await db.ActivityLog.Where(a => a.Summary.Contains("signed in with the passkey")).CountAsync()));
        Assert.True(count >= 2, $"The counter the authenticator reported was kept: {count}");
        Assert.Equal(2, signIns);
        journey.AssertNoErrors();
    }

    private static async Task SignInWithPasswordAsync(Journey journey, string signInPage)
    {
        await journey.Page.GotoAsync(signInPage);
        await journey.Field("Email").FillAsync(CrmApp.AdminEmail);
        await journey.Field("Password").FillAsync(CrmApp.AdminPassword);
        await journey.Button("Sign in").ClickAsync();
    }
}
