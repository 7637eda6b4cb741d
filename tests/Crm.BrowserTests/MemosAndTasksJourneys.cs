using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.Playwright;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>An office memo from writing to review, a task made from it that carries its file, and the delete that takes both.</summary>
[Collection(SharedChromium.Name)]
public sealed partial class MemosAndTasksJourneys(Chromium chromium)
{
    [Fact]
    public async Task A_reviewed_memo_is_locked_for_its_author_and_its_task_carries_its_file()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var app = journey.App;
        var page = journey.Page;
        var staff = await RoleAsync(app, "Staff", null, AssignRecordsTo.AnyUser, Tests.Tasks.TaskTests.AllModules(Scope.Own));
        await app.CreateUserAsync("ann@crm.test", Password, name: "Ann Baker");
        await app.CreateUserAsync("bob@crm.test", Password, name: "Bob Stone");
        await app.InDatabaseAsync(async db =>
        {
            foreach (var user in db.Users.Where(u => u.Email == "ann@crm.test" || u.Email == "bob@crm.test"))
            {
                user.RoleId = staff;
            }

            return await db.SaveChangesAsync();
        });

        // Ann writes the memo and attaches the quote.
        await journey.SignInAsync("ann@crm.test", Password);
        await page.GotoAsync("/memos");
        await page.GetByRole(AriaRole.Link, new() { Name = "Write memo", Exact = true }).ClickAsync();
        await journey.Field("Title").FillAsync("Discount for Acme");
        await journey.Field("Text").FillAsync("Acme asks for 12% off the yearly licence.\nThe signed quote is attached.");
        await journey.Field("Reviewer").SelectOptionAsync(new SelectOptionValue { Label = "Bob Stone" });
        await journey.Button("Save memo").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Memo saved.");
        var memoUrl = page.Url.Split('?')[0];
        var memoId = int.Parse(MemoId().Match(memoUrl).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await journey.Field("Attach a file (up to 25 MB)").SetInputFilesAsync(new FilePayload
        {
            Name = "signed-quote.pdf",
            MimeType = "application/pdf",
            Buffer = "%PDF-1.4 signed quote"u8.ToArray(),
        });
        await journey.Button("Attach").ClickAsync();
        await Expect(page.Locator(".files-list")).ToContainTextAsync("signed-quote.pdf");

        // Bob reviews it in his own browser.
        var bob = await journey.OpenSecondBrowserAsync("Bob");
        await journey.SignInAsync("bob@crm.test", Password, bob);
        await bob.GotoAsync("/memos?box=to-review");
        await bob.GetByRole(AriaRole.Link, new() { Name = "Discount for Acme", Exact = true }).ClickAsync();
        await journey.Field("Comment (optional)", bob).FillAsync("Agreed, up to 10%.");
        await journey.Button("Mark reviewed", bob).ClickAsync();
        await Expect(bob.GetByRole(AriaRole.Status)).ToHaveTextAsync("Memo saved.");
        await Expect(bob.Locator(".memo-stage")).ToHaveTextAsync("Reviewed");

        // Ann can read it but no longer edit it.
        await page.ReloadAsync();
        await Expect(page.Locator(".memo-stage")).ToHaveTextAsync("Reviewed");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Delete", Exact = true })).ToHaveCountAsync(0);
        await journey.GotoRefusedAsync($"/memos/{memoId}/edit", 403);

        // A task made from the memo carries the file.
        await page.GotoAsync(memoUrl);
        await journey.Button("Create task").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Task saved.");
        await Expect(page.Locator("h1")).ToContainTextAsync("Discount for Acme");
        await Expect(page.Locator(".files-list")).ToContainTextAsync("signed-quote.pdf");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Discount for Acme", Exact = true })).ToHaveAttributeAsync("href", $"/memos/{memoId}");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "task.png"), FullPage = true });

        await page.GotoAsync(memoUrl);
        await Expect(page.Locator(".memo-tasks")).ToContainTextAsync("Discount for Acme");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "memo.png"), FullPage = true });

        // The administrator deletes the memo: the confirmation lists its task and both file objects.
        var admin = await journey.OpenSecondBrowserAsync("Administrator");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword, admin);
        await admin.GotoAsync(memoUrl);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Delete", Exact = true }).ClickAsync();
        var listed = admin.Locator(".deleted-with-also li");
        await Expect(listed).ToHaveCountAsync(3);
        await Expect(admin.Locator(".deleted-with-also")).ToContainTextAsync("tasks ID");
        await Expect(admin.Locator(".deleted-with-also")).ToContainTextAsync("Discount for Acme");
        await Expect(listed.Filter(new() { HasText = "signed-quote.pdf" })).ToHaveCountAsync(2);
        await journey.Button("Delete memo", admin).ClickAsync();
        await Expect(admin).ToHaveURLAsync(journey.Url("/memos"));
        await Expect(admin.GetByText("No memos to show.")).ToBeVisibleAsync();
        journey.AssertNoErrors();
    }

    [GeneratedRegex(@"/memos/(\d+)$")]
    private static partial Regex MemoId();
}
