using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Email;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Email;

/// <summary>Delivery against a real SMTP server (aiosmtpd on loopback), through the front door.</summary>
public sealed partial class EmailDeliveryTests
{
    [Fact]
    public async Task The_welcome_email_of_a_user_added_through_the_api_arrives_and_its_link_sets_the_password()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port, worker: true)
            .With("Email:Smtp:UserName", "").With("Email:Smtp:Password", "");
        var admin = await app.SignInAsAdminAsync();

        var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "lena@crm.test", fullName = "Lena Fischer", roleId = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The worker sends it on its own, within its interval.
        var welcome = Assert.Single(await server.WaitForAsync(m => m.RcptTos.Contains("lena@crm.test")));
        Assert.Equal("Your CRM account", welcome.Subject);
        Assert.Contains(EmailTestKit.From, welcome.From, StringComparison.Ordinal);
        var link = new Uri(LinkPattern().Match(welcome.Text).Value);
        Assert.Equal("/account/set-password", link.AbsolutePath);

        var newcomer = app.NewClient();
        var (_, page) = await newcomer.GetPageAsync(link.PathAndQuery);
        var set = await newcomer.SubmitAsync(page, new() { ["Input.NewPassword"] = "lena chooses this one", ["Input.ConfirmNewPassword"] = "lena chooses this one" });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        await app.SignInAsync("lena@crm.test", "lena chooses this one");

        var stored = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal((EmailStatus.Sent, 1), (stored.Status, stored.Attempts));
        Assert.NotNull(stored.SentAt);
        AssertLogHoldsNone(app, link.ToString(), Token(link), "Choose your password with this link", "lena chooses this one");
        Assert.Contains(app.Log.Lines, l => l.Message.Contains(stored.Id.ToString(), StringComparison.Ordinal) && l.Message.Contains("sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_reset_email_arrives_its_link_works_and_the_link_is_not_logged()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port, worker: true);
        await app.CreateUserAsync("ann@crm.test", "forgotten passphrase");
        var client = app.NewClient();

        var requested = await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = "ann@crm.test" });
        Assert.Contains("is on its way", await requested.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var reset = Assert.Single(await server.WaitForAsync(m => m.RcptTos.Contains("ann@crm.test")));
        Assert.Equal("Reset your CRM password", reset.Subject);
        var link = new Uri(LinkPattern().Match(reset.Text).Value);
        var (_, page) = await client.GetPageAsync(link.PathAndQuery);
        var done = await client.SubmitAsync(page, new() { ["Input.NewPassword"] = "remembered passphrase", ["Input.ConfirmNewPassword"] = "remembered passphrase" });
        Assert.Equal("/account/sign-in?notice=password-reset", done.Headers.Location!.OriginalString);
        await app.SignInAsync("ann@crm.test", "remembered passphrase");

        Assert.DoesNotContain(app.Log.Lines, l => l.Category == Crm.Web.Features.Account.RequestPasswordReset.LinkLogCategory);
        AssertLogHoldsNone(app, link.ToString(), Token(link), "remembered passphrase", "Choose a new password with this link");
    }

    [Fact]
    public async Task While_the_server_is_down_messages_are_retried_with_backoff_then_delivered_once_by_two_instances()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.StopAsync();
        await using var one = new CrmApp().WithSmtp(server.Port).With("Email:Delivery:BatchSize", "3");
        await using var two = new CrmApp().WithSmtp(server.Port).With("Email:Delivery:BatchSize", "3")
            .With("ConnectionStrings:Crm", one.Database.ConnectionString);
        var subjects = Enumerable.Range(1, 24).Select(i => $"Message {i}").ToList();
        foreach (var subject in subjects)
        {
            await one.QueueAsync($"someone{subject.Length}@crm.test", subject);
        }

        Assert.Equal(24, await one.DrainAsync());
        var failed = await one.InDatabaseAsync(db => db.OutgoingEmails.ToListAsync());
        Assert.All(failed, m =>
        {
            Assert.Equal((EmailStatus.Queued, 1), (m.Status, m.Attempts));
            Assert.Equal(one.Clock.GetUtcNow().UtcDateTime.AddMinutes(1), m.NextAttemptAt);
            Assert.False(string.IsNullOrWhiteSpace(m.LastError));
        });

        // Not due yet: nothing is attempted before the backoff has passed.
        Assert.Equal(0, await one.DrainAsync());
        one.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await one.DrainAsync());
        one.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(24, await one.DrainAsync());
        Assert.All(await one.InDatabaseAsync(db => db.OutgoingEmails.ToListAsync()), m =>
            Assert.Equal((2, one.Clock.GetUtcNow().UtcDateTime.AddMinutes(5)), (m.Attempts, m.NextAttemptAt!.Value)));

        // The server is back; both instances deliver at once, over one database.
        await server.RestartAsync();
        one.Clock.Advance(TimeSpan.FromMinutes(5));
        two.Clock.Advance(TimeSpan.FromMinutes(6));
        var attempted = await Task.WhenAll(one.DrainAsync(), two.DrainAsync(), one.DrainAsync(), two.DrainAsync());
        Assert.Equal(24, attempted.Sum());

        var received = await server.WaitForAsync(_ => true, count: 24);
        await Task.Delay(300);
        Assert.Equal(24, server.Received.Count);
        Assert.Equal(subjects.Order(), server.Received.Select(m => m.Subject).Order());
        Assert.All(await one.InDatabaseAsync(db => db.OutgoingEmails.ToListAsync()), m =>
            Assert.Equal((EmailStatus.Sent, 3, (Guid?)null), (m.Status, m.Attempts, m.LeaseOwner)));
        Assert.Equal(0, await one.DrainAsync() + await two.DrainAsync());
        Assert.Equal(24, server.Received.Count);
        Assert.Equal(24, received.Count);
    }

    [Fact]
    public async Task A_message_leased_by_an_instance_that_died_is_sent_by_another_once_the_lease_lapses()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var id = await app.QueueAsync("someone@crm.test", "Held by a crashed instance");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.InDatabaseAsync(db => db.OutgoingEmails.Where(e => e.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.LeaseOwner, Guid.NewGuid())
            .SetProperty(e => e.LeasedUntil, now + EmailDelivery.Lease)));

        Assert.Equal(0, await app.DrainAsync());
        app.Clock.Advance(EmailDelivery.Lease);
        Assert.Equal(0, await app.DrainAsync());
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await app.DrainAsync());

        Assert.Equal("Held by a crashed instance", Assert.Single(server.Received).Subject);
        Assert.Equal(EmailStatus.Sent, (await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync())).Status);
    }

    [Fact]
    public async Task A_refused_recipient_ends_blocked_after_the_retries_with_the_servers_exact_error_on_the_queue_page()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var id = await app.QueueAsync("reject.me@crm.test", "Quarterly figures");

        var attempts = new List<int>();
        Assert.Equal(1, await app.DrainAsync());
        foreach (var wait in EmailDelivery.Backoff)
        {
            app.Clock.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await app.DrainAsync());
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            attempts.Add(await app.DrainAsync());
        }

        Assert.Equal([1, 1, 1, 1, 1], attempts);
        var blocked = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal((EmailStatus.Blocked, 6, (DateTime?)null), (blocked.Status, blocked.Attempts, blocked.NextAttemptAt));
        // The server's exact reply, status code first.
        Assert.Equal($"127.0.0.1:{server.Port} refused the recipient reject.me@crm.test: 550 5.1.1 Recipient address rejected: the test mailbox refuses it", blocked.LastError);
        Assert.Empty(server.Received);

        // Signed in only now: the retries span more than a session's idle time.
        var admin = await app.SignInAsAdminAsync();
        var (_, page) = await admin.GetPageAsync("/admin/email-queue");
        var row = page.QuerySelector($"tr[data-email-id='{id}']")!;
        Assert.Equal(blocked.LastError, row.QuerySelector(".last-error")!.TextContent.Trim());
        Assert.Contains("reject.me@crm.test", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.QuerySelector("[data-count='blocked']")!.TextContent.Trim());

        // Retry (the form): due now with fresh attempts.
        var retried = await admin.SubmitAsync(page, [], $"tr[data-email-id='{id}'] form.retry");
        Assert.Equal("/admin/email-queue?done=retried", retried.Headers.Location!.OriginalString);
        var again = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal((EmailStatus.Queued, 0, app.Clock.GetUtcNow().UtcDateTime), (again.Status, again.Attempts, again.NextAttemptAt!.Value));

        // The API: list, process all, discard; a discarded message cannot be retried.
        var listed = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/email-queue")).RootElement;
        Assert.Equal(1, listed.GetProperty("counts").GetProperty("queued").GetInt32());
        Assert.Equal(0, listed.GetProperty("troubled").GetArrayLength());
        Assert.False(listed.GetRawText().Contains("protectedBody", StringComparison.OrdinalIgnoreCase));
        var processed = await admin.Http.PostAsync("/api/v1/email-queue/process-all", null);
        Assert.Equal(1, JsonDocument.Parse(await processed.Content.ReadAsStringAsync()).RootElement.GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/email-queue/{id}/discard", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Http.PostAsync($"/api/v1/email-queue/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.PostAsync($"/api/v1/email-queue/{Guid.NewGuid()}/retry", null)).StatusCode);
        Assert.Equal(EmailStatus.Discarded, (await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync())).Status);
        Assert.Equal(0, await app.DrainAsync());

        var kinds = await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync());
        Assert.Contains(ActivityKinds.EmailRetried, kinds);
        Assert.Contains(ActivityKinds.EmailQueueProcessed, kinds);
        Assert.Contains(ActivityKinds.EmailDiscarded, kinds);
    }

    [Fact]
    public async Task The_test_email_button_shows_success_and_with_the_server_down_its_exact_error()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var admin = await app.SignInAsAdminAsync();

        var sent = await admin.SubmitAsync("/admin/email-queue", [], "#send-test-email");
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var page = await PageClient.ParseAsync(await sent.Content.ReadAsStringAsync());
        Assert.Contains("The server accepted the test email to admin@crm.test", page.QuerySelector(".test-email-result")!.TextContent, StringComparison.Ordinal);
        var test = Assert.Single(server.Received);
        Assert.Equal(("Test email from the CRM", CrmApp.AdminEmail), (test.Subject, test.RcptTos.Single()));

        await server.StopAsync();
        var failed = await admin.SubmitAsync("/admin/email-queue/test", []);
        var failedPage = await PageClient.ParseAsync(await failed.Content.ReadAsStringAsync());
        var error = failedPage.QuerySelector(".test-email-error")!.TextContent.Trim();
        Assert.StartsWith($"Could not connect to 127.0.0.1:{server.Port}:", error, StringComparison.Ordinal);
        Assert.Contains("refused", error, StringComparison.OrdinalIgnoreCase);
        var activity = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.EmailTestSent).Select(a => a.Summary).ToListAsync());
        Assert.Equal(2, activity.Count);
        Assert.Contains(activity, s => s.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_are_refused_the_email_queue_its_actions_and_its_api()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var id = await app.QueueAsync("someone@crm.test", "Hello");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/email-queue")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/email-queue/test")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/email-queue")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsync("/api/v1/email-queue/process-all", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsync($"/api/v1/email-queue/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsync($"/api/v1/email-queue/{id}/discard", null)).StatusCode);
        Assert.Equal(EmailStatus.Queued, (await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync())).Status);
    }

    private static string Token(Uri link) => Uri.UnescapeDataString(TokenPattern().Match(link.Query).Groups[1].Value);

    /// <summary>No log line (message, values or exception) holds any of <paramref name="secrets"/>, escaped or not.</summary>
    private static void AssertLogHoldsNone(CrmApp app, params string[] secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains(secret, StringComparison.Ordinal)
                || (l.Message + l.Exception).Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("token=([^&]+)")]
    private static partial Regex TokenPattern();
}
