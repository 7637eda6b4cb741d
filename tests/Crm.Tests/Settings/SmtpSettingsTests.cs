using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Settings;

/// <summary>SMTP settings stored by an administrator, against a real SMTP server (aiosmtpd).</summary>
public sealed class SmtpSettingsTests
{
    private const string Secret = "violet harbour 73 quartz";

    private static object Settings(int port, string? password = Secret, string userName = "mailer", bool clear = false) =>
        new { host = "127.0.0.1", port, security = "None", from = "sales@crm.test", userName, password, clearPassword = clear };

    [Fact]
    public async Task Stored_settings_win_over_configuration_for_the_test_email_and_the_worker_and_the_password_never_shows()
    {
        await using var server = await SmtpServer.StartAsync();
        // The configuration points at a port where nothing listens: only the stored settings can deliver.
        await using var app = new CrmApp().WithSmtp(SmtpServer.FreePort());
        var admin = await app.SignInAsAdminAsync();

        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", Settings(server.Port));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var savedJson = await saved.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Secret, savedJson, StringComparison.Ordinal);

        var read = await admin.Http.GetAsync("/api/v1/settings/email");
        var json = await read.ReadJsonAsync();
        Assert.Equal(("127.0.0.1", server.Port, "database", true), (json.GetProperty("host").GetString(), json.GetProperty("port").GetInt32(),
            json.GetProperty("source").GetString(), json.GetProperty("passwordSet").GetBoolean()));
        Assert.DoesNotContain(Secret, json.GetRawText(), StringComparison.Ordinal);
        Assert.False(json.TryGetProperty("password", out _));

        var (_, page) = await admin.GetPageAsync("/admin/settings/email");
        Assert.DoesNotContain(Secret, page.Source.Text, StringComparison.Ordinal);
        Assert.Equal("", page.QuerySelector("#Input_Password")!.GetAttribute("value") ?? "");
        Assert.Contains("A password is set", page.QuerySelector(".password-state")!.TextContent, StringComparison.Ordinal);

        var column = await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.SmtpProtectedPassword).SingleAsync());
        Assert.False(string.IsNullOrEmpty(column));
        Assert.DoesNotContain(Secret, column, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret)), column, StringComparison.Ordinal);

        // Send test email goes through the stored server.
        var test = await admin.SubmitAsync("/admin/email-queue/test", []);
        Assert.Contains("The server accepted the test email", await test.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var arrived = Assert.Single(await server.WaitForAsync(m => m.Subject == "Test email from the CRM"));
        Assert.Contains("sales@crm.test", arrived.From, StringComparison.Ordinal);

        // So does the delivery worker.
        await app.QueueAsync("someone@crm.test", "Queued through the stored settings");
        Assert.Equal(1, await app.DrainAsync());
        await server.WaitForAsync(m => m.Subject == "Queued through the stored settings");

        var activity = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.SettingsChanged).Select(a => a.Summary).ToListAsync());
        var entry = Assert.Single(activity);
        Assert.Contains("password set", entry, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, entry, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_server_is_shown_on_the_port_and_the_previous_settings_stay_in_force()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().With("Email:Delivery:Enabled", "false");
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.PutAsJsonAsync("/api/v1/settings/email", Settings(server.Port))).StatusCode);

        var dead = SmtpServer.FreePort();
        var refused = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", Settings(dead, password: "another secret 55 words"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Assert.Single(await refused.FieldErrorsAsync("port"));
        Assert.StartsWith($"Could not connect to 127.0.0.1:{dead}:", error, StringComparison.Ordinal);
        Assert.Contains("previous ones stay in force", error, StringComparison.Ordinal);

        // The page shows the same error beside the port, keeps what was typed but never the password.
        var posted = await admin.SubmitAsync("/admin/settings/email", new()
        {
            ["Input.Port"] = dead.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Security"] = "None",
            ["Input.Password"] = "another secret 55 words",
        });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var page = await PageClient.ParseAsync(await posted.Content.ReadAsStringAsync());
        Assert.StartsWith($"Could not connect to 127.0.0.1:{dead}:", page.FieldError("Input.Port"), StringComparison.Ordinal);
        Assert.DoesNotContain("another secret 55 words", page.Source.Text, StringComparison.Ordinal);

        var json = await (await admin.Http.GetAsync("/api/v1/settings/email")).ReadJsonAsync();
        Assert.Equal(server.Port, json.GetProperty("port").GetInt32());
        var column = await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.SmtpPort).SingleAsync());
        Assert.Equal(server.Port, column);
        Assert.Single(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.SettingsChanged).ToListAsync()));

        // Still delivering through the previous settings.
        await admin.SubmitAsync("/admin/email-queue/test", []);
        await server.WaitForAsync(m => m.Subject == "Test email from the CRM");
    }

    [Fact]
    public async Task An_empty_password_keeps_the_stored_one_and_clearing_removes_it()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().With("Email:Delivery:Enabled", "false");
        var admin = await app.SignInAsAdminAsync();
        await admin.Http.PutAsJsonAsync("/api/v1/settings/email", Settings(server.Port));
        var first = await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.SmtpProtectedPassword).SingleAsync());

        // The page posted as is (password field empty) keeps the password.
        var kept = await admin.SubmitAsync("/admin/settings/email", new() { ["Input.From"] = "crm@crm.test", ["Input.Security"] = "None" });
        Assert.Equal(HttpStatusCode.Redirect, kept.StatusCode);
        var json = await (await admin.Http.GetAsync("/api/v1/settings/email")).ReadJsonAsync();
        Assert.True(json.GetProperty("passwordSet").GetBoolean());
        Assert.Equal("crm@crm.test", json.GetProperty("from").GetString());
        var effective = await app.Services.GetRequiredService<Crm.Web.Features.Settings.EffectiveSmtpSettings>().ReadAsync(CancellationToken.None);
        Assert.Equal(Secret, effective.Password);

        // Clearing the password while keeping a user name is refused with a reason.
        var refused = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", Settings(server.Port, password: null, clear: true));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("clear the user name too", Assert.Single(await refused.FieldErrorsAsync("password")), StringComparison.Ordinal);

        var cleared = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", Settings(server.Port, password: null, userName: "", clear: true));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.False((await cleared.ReadJsonAsync()).GetProperty("passwordSet").GetBoolean());
        Assert.Null(await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.SmtpProtectedPassword).SingleAsync()));
        var summaries = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.SettingsChanged).OrderBy(a => a.Id).Select(a => a.Summary).ToListAsync());
        Assert.Contains("password cleared", summaries[^1], StringComparison.Ordinal);
        Assert.NotNull(first);
    }

    [Fact]
    public async Task Bad_input_and_staff_are_refused()
    {
        await using var app = new CrmApp().With("Email:Delivery:Enabled", "false");
        var admin = await app.SignInAsAdminAsync();

        var bad = await admin.Http.PutAsJsonAsync("/api/v1/settings/email", new { host = "smtp example", port = 70000, security = "Carrier pigeon", from = "nobody" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "host", "port", "security", "from" })
        {
            Assert.NotEmpty(errors.GetProperty(field).EnumerateArray());
        }
        Assert.Equal("Security must be StartTls, SslOnConnect or None.", errors.GetProperty("security")[0].GetString());

        var page = await admin.SubmitAsync("/admin/settings/email", new() { ["Input.Port"] = "not a number", ["Input.Host"] = "smtp.example.com" });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Empty(await app.InDatabaseAsync(db => db.InstanceSettings.ToListAsync()));

        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/settings/email")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync("/api/v1/settings/email", new { host = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/settings/email")).StatusCode);
    }
}
