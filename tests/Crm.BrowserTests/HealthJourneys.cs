using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// The administrator finds blocked emails on the health dashboard, opens a warning band on the
/// email queue's thresholds, and reads the security checklist.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed class HealthJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_reads_the_dashboard_changes_a_threshold_and_reads_the_checklist()
    {
        await using var journey = await Journey.StartAsync(chromium);
        var page = journey.Page;
        var app = journey.App;
        await app.InDatabaseAsync(db =>
        {
            for (var i = 0; i < 12; i++)
            {
                db.OutgoingEmails.Add(new OutgoingEmail
                {
                    Id = Guid.CreateVersion7(), To = $"client{i}@example.com", Subject = "Invoice", ProtectedBody = "x", Purpose = "test",
                    CreatedAt = app.Clock.GetUtcNow().UtcDateTime, Status = EmailStatus.Blocked, Attempts = 8,
                });
            }

            return db.SaveChangesAsync();
        });

        await journey.SignInAsync(Crm.Tests.Infrastructure.CrmApp.AdminEmail, Crm.Tests.Infrastructure.CrmApp.AdminPassword);
        await page.GotoAsync("/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Health", Exact = true }).ClickAsync();
        var email = page.Locator("tr[data-indicator='email-blocked']");
        await Expect(email).ToHaveAttributeAsync("data-state", "critical");
        await Expect(email).ToContainTextAsync("12 blocked messages");

        await journey.Field("Critical threshold of Email queue blocked (above, messages)").FillAsync("20");
        await journey.Button("Save thresholds").ClickAsync();
        await Expect(page.Locator("#thresholds-saved")).ToBeVisibleAsync();
        await Expect(email).ToHaveAttributeAsync("data-state", "warning");
        await Expect(email.Locator(".indicator-thresholds")).ToHaveTextAsync("warning above 0 messages, critical above 20 messages");

        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "health.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "Security checklist", Exact = true }).ClickAsync();
        await Expect(page.Locator("#security-checklist tbody tr")).ToHaveCountAsync(7);
        await Expect(page.Locator("#security-checklist")).ToContainTextAsync("2FA active for all admins");
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "security-checklist.png"), FullPage = true });
        journey.AssertNoErrors();
    }
}
