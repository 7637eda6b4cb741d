using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Tests.Mailings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>A salesperson adds their own sending account, sends a mailing, which a real SMTP server receives, and edits the account.</summary>
[Collection(SharedChromium.Name)]
public sealed partial class MailingsJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_adds_a_sending_account_previews_recipients_sends_a_mailing_and_edits_the_account()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var journey = await Journey.StartAsync(chromium);
        var admin = journey.Page;
        var adminId = await journey.App.InDatabaseAsync(db => db.Users.Where(u => u.Email == CrmApp.AdminEmail).Select(u => u.Id).SingleAsync());
        await MailingKit.ContactsAsync(journey.App, 3, null, adminId, "Reader", "reader");
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        // 1. My sending accounts: test the connection, then add it; the password is never shown back.
        await admin.GotoAsync("/mailings");
        await admin.GetByRole(AriaRole.Link, new() { Name = "My sending accounts", Exact = true }).ClickAsync();
        await journey.Field("Name").FillAsync("My mailbox");
        await journey.Field("From address").FillAsync("admin@sales.test");
        await journey.Field("SMTP host").FillAsync("127.0.0.1");
        await journey.Field("Port").FillAsync(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await journey.Field("Security").SelectOptionAsync("None");
        await journey.Field("Messages per minute").FillAsync("60");
        await journey.Button("Test connection").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("answers like an SMTP server");
        await journey.Button("Add sending account").ClickAsync();
        await Expect(admin).ToHaveURLAsync(journey.Url("/sending-accounts?done=added"));
        await Expect(admin.Locator("main table")).ToContainTextAsync("admin@sales.test");

        // 2. A new mailing: preview the recipients, then send.
        await admin.GotoAsync("/mailings/new");
        await journey.Field("Write to").SelectOptionAsync("contacts");
        await journey.Button("Preview recipients").ClickAsync();
        await Expect(admin.Locator("#recipient-preview")).ToContainTextAsync("3 recipients");
        await journey.Field("Subject").FillAsync("Autumn news for {{FirstName}}");
        await journey.Field("Body").FillAsync("Dear {{FirstName}},\n\nour autumn offers are here.");
        await journey.Button("Send mailing").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/mailings/\d+\?sent=true$"));
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("queued for 3 recipients");

        // 3. The delivery worker sends them through the account; the page counts them delivered.
        await server.WaitForAsync(m => m.Subject.StartsWith("Autumn news for First", StringComparison.Ordinal), 3);
        // The worker records "sent" just after the server's answer: wait for the record, not only the mail.
        for (var i = 0; i < 50 && await journey.App.InDatabaseAsync(db => db.OutgoingEmails.CountAsync(e => e.Status == Crm.Web.Features.Email.EmailStatus.Sent)) < 3; i++)
        {
            await Task.Delay(100);
        }

        await admin.ReloadAsync();
        await Expect(admin.Locator("[data-count=sent]")).ToHaveTextAsync("3");
        Assert.All(server.Received, m => Assert.Equal("admin@sales.test", m.MailFrom));
        await admin.GotoAsync("/mailings");
        await Expect(admin.Locator("main table")).ToContainTextAsync("Autumn news for {{FirstName}}");

        // 4. Edit the account in place: the recipients it wrote to stay bound to it.
        await admin.GotoAsync("/sending-accounts");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Edit My mailbox" }).ClickAsync();
        await Expect(admin.Locator("main")).ToContainTextAsync("3 recipients are bound to it");
        await Expect(journey.Field("Name")).ToHaveValueAsync("My mailbox");
        await journey.Field("Name").FillAsync("Sales mailbox");
        await journey.Field("Messages per minute").FillAsync("120");
        await journey.Button("Save").ClickAsync();
        await Expect(admin).ToHaveURLAsync(journey.Url("/sending-accounts?done=saved"));
        await Expect(admin.Locator("main table")).ToContainTextAsync("Sales mailbox");
        await Expect(admin.Locator("main table tbody tr")).ToContainTextAsync("120");

        journey.AssertNoErrors();
    }
}
