using System.Text.RegularExpressions;
using Crm.BrowserTests.Infrastructure;
using Crm.Tests.Infrastructure;
using Crm.Tests.Webhooks;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.BrowserTests;

/// <summary>
/// An administrator connects the CRM to another system: a webhook to a real HTTP receiver, its
/// secret shown once, a test event, debug mode, a delivery the receiver refuses, and its replay.
/// </summary>
[Collection(SharedChromium.Name)]
public sealed partial class WebhooksJourneys(Chromium chromium)
{
    [Fact]
    public async Task Administrator_creates_a_webhook_sends_a_test_event_reads_a_failed_delivery_in_debug_mode_and_replays_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The receiver listens on loopback, which the address guard refuses unless the operator trusts it.
        await using var journey = await Journey.StartAsync(chromium, ("Webhooks:AllowedHosts:0", "127.0.0.1"));
        var admin = journey.Page;
        await journey.SignInAsync(CrmApp.AdminEmail, CrmApp.AdminPassword);

        // 1. A new webhook for companies being created; the signing secret is shown once.
        await admin.GotoAsync("/admin/webhooks");
        await admin.GetByRole(AriaRole.Link, new() { Name = "New webhook", Exact = true }).ClickAsync();
        await journey.Field("Name").FillAsync("ERP sync");
        await journey.Field("URL").FillAsync(receiver.Url);
        // The only user is the administrator, the first choice after "Choose…".
        await journey.Field("Integration user").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await admin.Locator("#module-companies").CheckAsync();
        await admin.Locator("#event-created").CheckAsync();
        await journey.Button("Create webhook").ClickAsync();
        await Expect(admin.Locator("#secret")).ToHaveValueAsync(new Regex("^whsec_"));
        await admin.GetByRole(AriaRole.Link, new() { Name = "I have copied it: on to the webhook" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "ERP sync", Level = 1 })).ToBeVisibleAsync();
        var webhookUrl = admin.Url;

        // 2. The test event reaches the receiver, and the page says what it answered.
        await journey.Button("Send test event").ClickAsync();
        await Expect(admin.Locator("#test-result")).ToContainTextAsync("Test event delivered");
        await Expect(admin.Locator("#test-result")).ToContainTextAsync("status 200");
        Assert.Contains(receiver.TakeAll(), r => r.Body.Contains("webhook.test", StringComparison.Ordinal));

        // 3. Debug mode keeps the bodies of the next attempts for an hour.
        await journey.Button("Keep bodies for these minutes").ClickAsync();
        await Expect(admin.Locator("#notice")).ToHaveTextAsync("Debug mode changed.");
        await Expect(admin.Locator("#debug-state")).ToContainTextAsync("request and response bodies are kept");

        // 4. The receiver says it is gone (410): the company's delivery fails at once and the CRM
        // disables the webhook; the attempt shows what was sent and what came back.
        receiver.Status = 410;
        await admin.GotoAsync("/companies/new");
        await journey.Field("Name").FillAsync("Initech");
        await journey.Button("Add company").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/companies/\d+\?saved=true$"));
        await admin.GotoAsync(webhookUrl);
        var delivery = admin.Locator("#deliveries tbody tr").Filter(new() { HasText = "created" });
        // The page reads the endpoint, its figures and its deliveries one after another: reloaded just as
        // the sender commits, it can show the failed delivery under an endpoint read a moment before,
        // still enabled. Reload until it shows both.
        for (var i = 0; i < 30 && !(await delivery.GetByText("Failed", new() { Exact = true }).IsVisibleAsync() && await admin.Locator("#disabled").IsVisibleAsync()); i++)
        {
            // The sender works in the background: the page shows its progress when reloaded.
            await Task.Delay(500);
            await admin.ReloadAsync();
        }

        await Expect(delivery.GetByText("Failed", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(admin.Locator("#disabled")).ToContainTextAsync("410 Gone");
        await delivery.Locator("details.attempt summary").First.ClickAsync();
        await Expect(delivery.Locator(".attempt-request-body").First).ToContainTextAsync("Initech");
        await Expect(delivery.Locator(".attempt-response-body").First).ToContainTextAsync("receiver says 410");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, "docs", "images", "webhook.png"), FullPage = true });

        // 5. The receiver is back: enable the webhook again and replay the failed delivery.
        receiver.Status = 200;
        receiver.TakeAll();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await journey.Field("Enabled").CheckAsync();
        await journey.Button("Save").ClickAsync();
        await Expect(admin.Locator("#disabled")).ToHaveCountAsync(0);
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(admin.Locator("#notice")).ToHaveTextAsync("The delivery is queued to be sent again.");
        for (var i = 0; i < 30 && !await delivery.GetByText("Delivered", new() { Exact = true }).IsVisibleAsync(); i++)
        {
            await Task.Delay(500);
            await admin.ReloadAsync();
        }

        await Expect(delivery.GetByText("Delivered", new() { Exact = true })).ToBeVisibleAsync();
        var replayed = Assert.Single(receiver.TakeAll());
        Assert.Contains("Initech", replayed.Body, StringComparison.Ordinal);

        journey.AssertNoErrors();
    }
}
