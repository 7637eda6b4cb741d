using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Mailings.MailingKit;

namespace Crm.Tests.Email;

/// <summary>
/// SMTP over TLS against aiosmtpd with a self-signed certificate the test makes: implicit TLS
/// (465-style) and STARTTLS (587-style), AUTH after STARTTLS, and certificate validation that
/// only a pinned SHA-256 thumbprint (<c>Email:Smtp:TrustedCertificateThumbprint</c>) relaxes.
/// </summary>
[Slow]
public sealed class SmtpTlsTests
{
    private const string Secret = "tls relay passphrase 42 kestrel";

    [Fact]
    public async Task Over_implicit_tls_the_queue_the_test_email_and_saving_the_settings_work_when_the_relays_certificate_is_pinned()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await SmtpServer.StartAsync(SmtpServerTls.Implicit, certificate);
        await using var app = new CrmApp().WithSmtp(server.Port).With("Email:Smtp:Security", "SslOnConnect")
            // As openssl prints it: lower case with colons.
            .With("Email:Smtp:TrustedCertificateThumbprint", certificate.Sha256ThumbprintWithColons);

        await app.QueueAsync("someone@crm.test", "Over implicit TLS");
        Assert.Equal(1, await app.DrainAsync());
        var received = Assert.Single(await server.WaitForAsync(_ => true));
        Assert.Equal(("Over implicit TLS", EmailTestKit.From), (received.Subject, received.MailFrom));
        var stored = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal((EmailStatus.Sent, 1, (string?)null), (stored.Status, stored.Attempts, stored.LastError));

        var admin = await app.SignInAsAdminAsync();
        var test = await admin.SubmitAsync("/admin/email-queue/test", []);
        var testPage = await PageClient.ParseAsync(await test.Content.ReadAsStringAsync());
        Assert.Contains("The server accepted the test email", testPage.QuerySelector(".test-email-result")!.TextContent, StringComparison.Ordinal);
        await server.WaitForAsync(m => m.Subject == "Test email from the CRM");

        // Saving tries the server over the same connection; SslOnConnect is no longer refused.
        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = server.Port, security = "SslOnConnect", from = "sales@crm.test" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("SslOnConnect", (await saved.ReadJsonAsync()).GetProperty("security").GetString());
        var (_, settingsPage) = await admin.GetPageAsync("/admin/settings/email");
        Assert.Equal("SslOnConnect", settingsPage.QuerySelector("#Input_Security option[selected]")?.GetAttribute("value"));
    }

    [Fact]
    public async Task Over_starttls_the_crm_signs_in_with_the_pinned_relay_and_delivers()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await SmtpServer.StartAsync(SmtpServerTls.StartTls, certificate, ("mailer", Secret));
        await using var app = new CrmApp().WithSmtp(server.Port).With("Email:Smtp:Security", "StartTls")
            .With("Email:Smtp:TrustedCertificateThumbprint", certificate.Sha256Thumbprint)
            .With("Email:Smtp:UserName", "mailer").With("Email:Smtp:Password", Secret);

        await app.QueueAsync("someone@crm.test", "Over STARTTLS, signed in");
        Assert.Equal(1, await app.DrainAsync());
        var received = Assert.Single(await server.WaitForAsync(_ => true));
        Assert.Equal(("Over STARTTLS, signed in", "mailer"), (received.Subject, received.Login));
        Assert.Equal(EmailStatus.Sent, (await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync())).Status);

        // Saving checks the password now: a wrong one is refused at its field with the server's reply.
        var admin = await app.SignInAsAdminAsync();
        var wrong = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", new
        {
            host = "127.0.0.1", port = server.Port, security = "StartTls", from = "sales@crm.test", userName = "mailer", password = "not the password 77",
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var error = Assert.Single(await wrong.FieldErrorsAsync("password"));
        Assert.Contains("535 5.7.8 Authentication credentials invalid", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not the password 77", error, StringComparison.Ordinal);
        Assert.Empty(await app.InDatabaseAsync(db => db.InstanceSettings.Where(s => s.SmtpHost != null).ToListAsync()));

        var right = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", new
        {
            host = "127.0.0.1", port = server.Port, security = "StartTls", from = "sales@crm.test", userName = "mailer", password = Secret,
        });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        AssertLogHoldsNone(app, Secret, "not the password 77");
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_message_queued_with_the_servers_535_and_it_never_arrives()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await SmtpServer.StartAsync(SmtpServerTls.StartTls, certificate, ("mailer", Secret));
        await using var app = new CrmApp().WithSmtp(server.Port).With("Email:Smtp:Security", "StartTls")
            .With("Email:Smtp:TrustedCertificateThumbprint", certificate.Sha256Thumbprint)
            .With("Email:Smtp:UserName", "mailer").With("Email:Smtp:Password", "an outdated password 31");

        await app.QueueAsync("someone@crm.test", "Not signed in");
        Assert.Equal(1, await app.DrainAsync());
        var stored = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal((EmailStatus.Queued, 1, (DateTime?)null), (stored.Status, stored.Attempts, stored.SentAt));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime + EmailDelivery.Backoff[0], stored.NextAttemptAt);
        Assert.Equal($"127.0.0.1:{server.Port} did not accept the user name mailer with its password: 535 5.7.8 Authentication credentials invalid", stored.LastError);
        Assert.Empty(server.Received);
        AssertLogHoldsNone(app, "an outdated password 31");
    }

    [Theory]
    [InlineData(SmtpServerTls.Implicit, "SslOnConnect")]
    [InlineData(SmtpServerTls.StartTls, "StartTls")]
    public async Task An_untrusted_self_signed_certificate_fails_with_a_certificate_message_and_nothing_is_sent(SmtpServerTls tls, string security)
    {
        using var certificate = TestCertificate.Create();
        using var another = TestCertificate.Create("CN=another.crm.test");
        await using var server = await SmtpServer.StartAsync(tls, certificate, ("mailer", Secret));
        // Another certificate is pinned: a pin trusts that certificate only, never "any self-signed one".
        await using var app = new CrmApp().WithSmtp(server.Port).With("Email:Smtp:Security", security)
            .With("Email:Smtp:TrustedCertificateThumbprint", another.Sha256Thumbprint)
            .With("Email:Smtp:UserName", "mailer").With("Email:Smtp:Password", Secret);

        var id = await app.QueueAsync("someone@crm.test", "Must not leave");
        Assert.Equal(1, await app.DrainAsync());
        var stored = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal((EmailStatus.Queued, 1, (DateTime?)null), (stored.Status, stored.Attempts, stored.SentAt));
        Assert.StartsWith($"The certificate of 127.0.0.1:{server.Port} is not trusted: it is self-signed", stored.LastError, StringComparison.Ordinal);
        Assert.Contains($"subject CN=relay.crm.test, SHA-256 thumbprint {certificate.Sha256Thumbprint}", stored.LastError, StringComparison.Ordinal);
        Assert.Contains("Email:Smtp:TrustedCertificateThumbprint", stored.LastError, StringComparison.Ordinal);

        var admin = await app.SignInAsAdminAsync();
        var (_, queue) = await admin.GetPageAsync("/admin/email-queue");
        Assert.Equal(stored.LastError, queue.QuerySelector($"tr[data-email-id='{id}'] .last-error")!.TextContent.Trim());

        var test = await admin.SubmitAsync("/admin/email-queue/test", []);
        var testError = (await PageClient.ParseAsync(await test.Content.ReadAsStringAsync())).QuerySelector(".test-email-error")!.TextContent.Trim();
        Assert.StartsWith($"The certificate of 127.0.0.1:{server.Port} is not trusted", testError, StringComparison.Ordinal);

        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = server.Port, security, from = "sales@crm.test", userName = "mailer", password = Secret });
        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        Assert.StartsWith($"The certificate of 127.0.0.1:{server.Port} is not trusted", Assert.Single(await saved.FieldErrorsAsync("security")), StringComparison.Ordinal);
        Assert.Empty(await app.InDatabaseAsync(db => db.InstanceSettings.Where(s => s.SmtpHost != null).ToListAsync()));

        await Task.Delay(200);
        Assert.Empty(server.Received);
        Assert.Equal(EmailStatus.Queued, (await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync())).Status);
        AssertLogHoldsNone(app, Secret);
    }

    [Fact]
    public async Task A_sending_account_on_implicit_tls_is_accepted_tested_and_delivers_a_mailing_through_the_pinned_relay()
    {
        using var certificate = TestCertificate.Create();
        await using var relay = await SmtpServer.StartAsync(SmtpServerTls.Implicit, certificate);
        await using var app = new CrmApp().WithSmtp(SmtpServer.FreePort())
            .With("Email:Smtp:TrustedCertificateThumbprint", certificate.Sha256Thumbprint);
        var role = await SalesRoleAsync(app, Scope.All);
        var manager = await UserAsync(app, "manager@crm.test", role);
        var client = await app.SignInAsync("manager@crm.test", Password);
        var body = JsonSerializer.Serialize(new
        {
            name = "Relay", fromAddress = "ann@sales.test", host = "127.0.0.1", port = relay.Port, security = "SslOnConnect", ratePerMinute = 100,
        });

        var tested = await client.PostJsonAsync("/api/v1/sending-accounts/test", body);
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        Assert.Contains("answers like an SMTP server", await tested.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var created = await client.PostJsonAsync("/api/v1/sending-accounts", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var account = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();

        await ContactsAsync(app, 3, null, manager.Id, "Reader", "reader");
        await SentMailingAsync(client, account, "Over the relay", "Hello {{FirstName}}");
        Assert.Equal(3, await app.DrainAsync());
        var received = await relay.WaitForAsync(m => m.Subject == "Over the relay", count: 3);
        Assert.All(received, m => Assert.Equal("ann@sales.test", m.MailFrom));
        Assert.All(await app.InDatabaseAsync(db => db.OutgoingEmails.ToListAsync()), m => Assert.Equal(EmailStatus.Sent, m.Status));
    }

    [Fact]
    public async Task The_wrong_kind_of_tls_for_a_port_is_named_when_saving_the_settings()
    {
        using var certificate = TestCertificate.Create();
        await using var plain = await SmtpServer.StartAsync();
        await using var smtps = await SmtpServer.StartAsync(SmtpServerTls.Implicit, certificate);
        await using var app = new CrmApp().With("Email:Delivery:Enabled", "false").With("Settings:SmtpProbeSeconds", "2")
            .With("Email:Smtp:TrustedCertificateThumbprint", certificate.Sha256Thumbprint);
        var admin = await app.SignInAsAdminAsync();

        // Implicit TLS into a plain port: the server's greeting is no TLS handshake.
        var tlsIntoPlain = await admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = plain.Port, security = "SslOnConnect", from = "sales@crm.test" });
        Assert.Equal(HttpStatusCode.BadRequest, tlsIntoPlain.StatusCode);
        var handshake = Assert.Single(await tlsIntoPlain.FieldErrorsAsync("security"));
        Assert.StartsWith($"The TLS handshake with 127.0.0.1:{plain.Port} failed:", handshake, StringComparison.Ordinal);
        Assert.Contains("Is this a port for implicit TLS (usually 465)? For port 587 choose StartTls.", handshake, StringComparison.Ordinal);

        // STARTTLS on an implicit TLS port: the server waits for a handshake, no greeting comes.
        var plainIntoTls = await admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = smtps.Port, security = "StartTls", from = "sales@crm.test" });
        Assert.Equal(HttpStatusCode.BadRequest, plainIntoTls.StatusCode);
        Assert.StartsWith($"127.0.0.1:{smtps.Port} gave no SMTP greeting within 2 seconds: is this the SMTP port? (A port for implicit TLS, usually 465, needs SslOnConnect.)",
            Assert.Single(await plainIntoTls.FieldErrorsAsync("port")), StringComparison.Ordinal);

        // STARTTLS where the server offers none.
        var noStartTls = await admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = plain.Port, security = "StartTls", from = "sales@crm.test" });
        Assert.StartsWith($"127.0.0.1:{plain.Port} does not offer STARTTLS", Assert.Single(await noStartTls.FieldErrorsAsync("security")), StringComparison.Ordinal);
        Assert.Empty(await app.InDatabaseAsync(db => db.InstanceSettings.Where(s => s.SmtpHost != null).ToListAsync()));
    }

    [Fact]
    public async Task A_malformed_thumbprint_stops_sending_with_a_message_that_names_the_setting()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port)
            // A SHA-1 thumbprint (40 hex digits): the setting wants SHA-256.
            .With("Email:Smtp:TrustedCertificateThumbprint", "8F43288AD272F3103B6FB1428485EA3014C0BCFE")
            .With("Email:Smtp:UserName", "mailer").With("Email:Smtp:Password", "smtp secret never logged");
        var admin = await app.SignInAsAdminAsync();

        var failed = await admin.SubmitAsync("/admin/email-queue/test", []);
        var error = (await PageClient.ParseAsync(await failed.Content.ReadAsStringAsync())).QuerySelector(".test-email-error")!.TextContent;
        Assert.Contains("Email:Smtp:TrustedCertificateThumbprint must hold SHA-256 thumbprints", error, StringComparison.Ordinal);
        Assert.Contains("it looks like a SHA-1 thumbprint", error, StringComparison.Ordinal);
        var (_, queue) = await admin.GetPageAsync("/admin/email-queue");
        Assert.Contains(queue.QuerySelectorAll(".delivery-problem"), p => p.TextContent.Contains("must hold SHA-256 thumbprints", StringComparison.Ordinal));
        Assert.DoesNotContain("smtp secret never logged", queue.Source.Text, StringComparison.Ordinal);
        Assert.Empty(server.Received);
        AssertLogHoldsNone(app, "smtp secret never logged");
    }

    private static void AssertLogHoldsNone(CrmApp app, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains(secret, StringComparison.Ordinal));
        }
    }
}
