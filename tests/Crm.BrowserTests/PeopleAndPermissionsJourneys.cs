using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// An administrator brings a new colleague in and sees the CRM as they do, each person at a
/// browser of their own, against one real server.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class PeopleAndPermissionsJourneys(Chromium chromium)
{
    private const string TomName = "Tom Field";
    private const string TomEmail = "tom.field@crm.test";
    private const string TomPassword = "saddle kettle morning 27";

    [Fact]
    public async Task Administrator_brings_in_a_field_agent_previews_as_them_and_deactivates_them()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var admin = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);
        await Expect(admin).ToHaveURLAsync(journey.Url("/"));

        // 1. The organisation the new person will belong to, built through the forms.
        await admin.GotoAsync("/admin/departments");
        await Link(admin, "Add department").ClickAsync();
        await journey.Field("Name").FillAsync("Field Sales");
        await journey.Button("Add department").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/departments\?saved=\d+$"));
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Department Field Sales saved.");

        await admin.GotoAsync("/admin/roles");
        await Link(admin, "Add role").ClickAsync();
        await journey.Field("Name").FillAsync("Field agent");
        await journey.Button("Add role").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/roles/\d+\?notice=created$"));
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("It grants nothing yet");

        await journey.Field("Deals: view").SelectOptionAsync(new SelectOptionValue { Label = "Own" });
        await journey.Field("Deals: create").SelectOptionAsync(new SelectOptionValue { Label = "Own" });
        await journey.Button("Save permissions").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/roles/\d+\?notice=saved$"));
        // Read back from the redisplayed matrix: what was saved, and nothing more.
        await Expect(journey.Field("Deals: view")).ToHaveValueAsync("Own");
        await Expect(journey.Field("Deals: create")).ToHaveValueAsync("Own");
        await Expect(journey.Field("Deals: edit")).ToHaveValueAsync("None");
        // The whole matrix fits a 1280-pixel screen: its last column needs no sideways scrolling.
        var matrix = await admin.Locator(".table-responsive:has(.grant-matrix)").BoundingBoxAsync();
        var lastColumn = await admin.Locator(".grant-matrix thead th").Last.BoundingBoxAsync();
        Assert.True(lastColumn!.X + lastColumn.Width <= matrix!.X + matrix.Width + 1, "the permission matrix is wider than the page");
        await admin.ScreenshotAsync(new() { Path = System.IO.Path.Combine(RepositoryRoot.Path, "docs", "images", "role-page.png"), FullPage = true });

        // 2. The new person: the link to choose a password is shown once, on the success page.
        await admin.GotoAsync("/admin/users");
        await Link(admin, "Add user").ClickAsync();
        await journey.Field("Email (the sign-in)").FillAsync(TomEmail);
        await journey.Field("Full name").FillAsync(TomName);
        await journey.Field("Role").SelectOptionAsync(new SelectOptionValue { Label = "Field agent" });
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "Field Sales", Exact = true }).CheckAsync();
        await journey.Button("Add user").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"{TomEmail} has been added.");
        var setPasswordLink = await journey.Field("Set-password link").InputValueAsync();
        // Built from the request's host: it must point at this server, or Tom could not follow it.
        Assert.StartsWith(journey.Url("/account/set-password?"), setPasswordLink, StringComparison.Ordinal);

        // 3. Tom, at a browser of his own, follows the link as he would from the welcome email.
        var tom = await journey.OpenSecondBrowserAsync(TomName);
        await tom.GotoAsync(setPasswordLink);
        await Expect(tom.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Choose your password");
        await journey.Field("New password", tom).FillAsync(TomPassword);
        await journey.Field("Repeat the new password", tom).FillAsync(TomPassword);
        await journey.Button("Set the password", tom).ClickAsync();
        await Expect(tom).ToHaveURLAsync(journey.Url("/account/sign-in?notice=password-reset"));

        await journey.SignInAsync(TomEmail, TomPassword, tom);
        await Expect(tom).ToHaveURLAsync(journey.Url("/"));
        await Expect(tom.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome, {TomName}");
        // Exactly what Tom's grants give: the Deals card (he may view his own deals); everyone has their notifications,
        // tasks (those they are responsible for), memos (those they wrote or must review) and the password vault
        // (the entries granted to them).
        await Expect(tom.Locator(".card-title a")).ToHaveTextAsync(["Deals", "Tasks", "Memos", "Notifications", "Password vault", "Your account", "Help"]);
        await Expect(tom.Locator(".card-title a", new() { HasText = "Administration" })).ToHaveCountAsync(0);

        await journey.GotoRefusedAsync("/admin/users", 403, tom);
        await Expect(tom.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Access denied");

        // 4. The administrator sees the CRM through Tom's eyes, then comes back.
        await admin.GotoAsync("/admin/users");
        await Link(admin, TomName).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/users/[0-9a-f-]{36}$"));
        var tomsPage = admin.Url;
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(TomName);
        // Tom has chosen his password and signed in: the page no longer says otherwise.
        await Expect(admin.GetByText("has not chosen a password yet")).ToHaveCountAsync(0);
        await Expect(admin.GetByText("last sign-in never")).ToHaveCountAsync(0);

        await journey.Button("Preview as this user").ClickAsync();
        await Expect(admin).ToHaveURLAsync(journey.Url("/"));
        await Expect(admin.Locator(".preview-banner")).ToContainTextAsync($"seeing the CRM as {TomName}");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome, {TomName}");
        await Expect(admin.Locator(".card-title a")).ToHaveTextAsync(["Deals", "Tasks", "Memos", "Notifications", "Password vault", "Your account", "Help"]);

        await journey.GotoRefusedAsync("/admin", 403);
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Access denied");
        // The way back is on every page, the error page included.
        await admin.Locator(".preview-banner").GetByRole(AriaRole.Button, new() { Name = "End preview", Exact = true }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(tomsPage);
        await Expect(admin.Locator(".preview-banner")).ToHaveCountAsync(0);

        // The picture in the docs: Tom's page as the administrator sees it, active.
        await admin.Mouse.MoveAsync(0, 0);
        var screenshot = Path.Combine(RepositoryRoot.Path, "docs", "images", "user-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await admin.ScreenshotAsync(new() { Path = screenshot, FullPage = true });

        // 5. Deactivation reaches Tom's open session at his next request.
        await journey.Button("Deactivate").ClickAsync();
        await Expect(admin).ToHaveURLAsync($"{tomsPage}?notice=deactivated");
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("the user is signed out and cannot sign in");
        await Expect(journey.Button("Reactivate")).ToBeVisibleAsync();

        await tom.GotoAsync("/");
        await Expect(tom).ToHaveURLAsync(journey.Url("/account/sign-in?ReturnUrl=%2F"));
        await journey.SignInAsync(TomEmail, TomPassword, tom);
        await Expect(tom).ToHaveURLAsync(journey.Url("/account/sign-in"));
        await Expect(tom.GetByRole(AriaRole.Alert)).ToContainTextAsync("This account is deactivated.");

        // 6. Both browsers and the server stayed free of errors throughout.
        journey.AssertNoErrors();
    }

    private static ILocator Link(IPage page, string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });
}
