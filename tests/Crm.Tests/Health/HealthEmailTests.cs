using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email;
using Crm.Web.Features.Health;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Health;

/// <summary>
/// Health by email: a change of state the record-health job announces in-app is also queued as one
/// email to each active administrator with an address, in the same run, and nothing while it lasts;
/// the daily digest reaches, once a day from 07:00 in the organisation's time zone, only the
/// administrators who chose it (on the dashboard or through the API).
/// </summary>
public sealed class HealthEmailTests
{
    [Fact]
    public async Task A_change_of_state_is_emailed_once_to_each_active_administrator_and_good_again_once()
    {
        await using var app = new CrmApp();
        var scheduler = app.Services.GetRequiredService<JobScheduler>();
        await app.CreateUserAsync("eve@crm.test", "a good long passphrase", administrator: true, name: "Eve");
        var gone = await app.CreateUserAsync("gone@crm.test", "a good long passphrase", administrator: true, name: "Gone");
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        await app.InDatabaseAsync(db => db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == gone.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));

        async Task<(List<string> Notified, List<(string To, string Subject)> Emailed)> RunAsync()
        {
            app.Clock.Advance(RecordHealth.Interval);
            Assert.Contains(RecordHealth.JobName, await scheduler.RunDueAsync(CancellationToken.None));
            return await app.InDatabaseAsync(async db =>
            {
                var notified = await db.Notifications.Where(n => n.Title.StartsWith("Health:")).Select(n => n.Title).ToListAsync();
                var emailed = await db.OutgoingEmails.Where(e => e.Purpose == RecordHealth.EmailPurpose).Select(e => new { e.To, e.Subject }).ToListAsync();
                await db.Notifications.ExecuteDeleteAsync();
                await db.OutgoingEmails.Where(e => e.Purpose == RecordHealth.EmailPurpose).ExecuteDeleteAsync();
                return (notified, emailed.Select(e => (e.To, e.Subject)).OrderBy(e => e.To, StringComparer.Ordinal).ToList());
            });
        }

        var (notified, emailed) = await RunAsync();
        Assert.Empty(notified);
        Assert.Empty(emailed);

        await app.InDatabaseAsync(db =>
        {
            db.OutgoingEmails.Add(new OutgoingEmail
            {
                Id = Guid.CreateVersion7(), To = "a@example.com", Subject = "Hello", ProtectedBody = "x", Purpose = "test",
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, Status = EmailStatus.Blocked, Attempts = 8,
            });
            return db.SaveChangesAsync();
        });
        (notified, emailed) = await RunAsync();
        Assert.Equal(2, notified.Count);
        Assert.Equal(new[] { (CrmApp.AdminEmail, "Health: Email queue blocked is warning"), ("eve@crm.test", "Health: Email queue blocked is warning") }, emailed);

        // The same state on the next runs: nothing.
        (notified, emailed) = await RunAsync();
        Assert.Empty(notified);
        Assert.Empty(emailed);
        (notified, emailed) = await RunAsync();
        Assert.Empty(emailed);

        // Back to good: one "good again" email each.
        await app.InDatabaseAsync(db => db.OutgoingEmails.Where(e => e.Purpose == "test").ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Discarded)));
        (notified, emailed) = await RunAsync();
        Assert.Equal(2, notified.Count);
        Assert.Equal(new[] { (CrmApp.AdminEmail, "Health: Email queue blocked is good again"), ("eve@crm.test", "Health: Email queue blocked is good again") }, emailed);
        (_, emailed) = await RunAsync();
        Assert.Empty(emailed);
    }

    [Fact]
    public async Task The_daily_digest_goes_once_a_day_from_7_in_the_organisations_time_zone_to_those_who_chose_it()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        await app.CreateUserAsync("eve@crm.test", "a good long passphrase", administrator: true, name: "Eve");
        await app.CreateUserAsync("bob@crm.test", "a good long passphrase", administrator: true, name: "Bob");
        // The organisation in New York: the test clock's 09:00 UTC is 04:00 there.
        await app.InDatabaseAsync(async db =>
        {
            var settings = await db.InstanceSettings.FirstOrDefaultAsync();
            if (settings is null)
            {
                db.InstanceSettings.Add(new InstanceSettings { TimeZone = "America/New_York" });
            }
            else
            {
                settings.TimeZone = "America/New_York";
            }

            return await db.SaveChangesAsync();
        });

        // Eve chooses it on the dashboard, the first administrator through the API; Bob does not.
        var eve = await app.SignInAsync("eve@crm.test", "a good long passphrase");
        var (_, page) = await eve.GetPageAsync("/admin/health");
        Assert.False(page.QuerySelector("#Digest")!.HasAttribute("checked"));
        var (_, saved) = await eve.FollowAsync(await eve.SubmitAsync(page, new Dictionary<string, string> { ["Digest"] = "true" }, "#digest-form"));
        Assert.NotNull(saved.QuerySelector("#digest-saved"));
        Assert.True(saved.QuerySelector("#Digest")!.HasAttribute("checked"));
        var admin = await app.SignInAsAdminAsync();
        var answer = await admin.Http.PutAsJsonAsync("/api/v1/health/digest", new { enabled = true });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True((await answer.ReadJsonAsync()).GetProperty("enabled").GetBoolean());
        Assert.True((await (await admin.Http.GetAsync("/api/v1/health")).ReadJsonAsync()).GetProperty("digest").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PutAsJsonAsync("/api/v1/health/digest", new { })).StatusCode);
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staffClient = await app.SignInAsync("staff@crm.test", "a good long passphrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.Http.PutAsJsonAsync("/api/v1/health/digest", new { enabled = true })).StatusCode);

        async Task<List<(string To, string Subject)>> RunAsync(TimeSpan advance)
        {
            app.Clock.Advance(advance);
            using (var scope = app.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<SendHealthDigest>().RunAsync(CancellationToken.None);
            }

            await app.DrainAsync();

            return await app.InDatabaseAsync(async db =>
            {
                var sent = await db.OutgoingEmails.Where(e => e.Purpose == SendHealthDigest.EmailPurpose).Select(e => new { e.To, e.Subject }).ToListAsync();
                await db.OutgoingEmails.Where(e => e.Purpose == SendHealthDigest.EmailPurpose).ExecuteDeleteAsync();
                return sent.Select(e => (e.To, e.Subject)).OrderBy(e => e.To, StringComparer.Ordinal).ToList();
            });
        }

        // 06:59 in New York: not yet. 07:00: one each for the two who chose it, none for Bob.
        Assert.Empty(await RunAsync(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(59)));
        var sent = await RunAsync(TimeSpan.FromMinutes(1));
        Assert.Equal([CrmApp.AdminEmail, "eve@crm.test"], sent.Select(s => s.To));
        Assert.All(sent, s => Assert.StartsWith("Health digest 2026-11-22: ", s.Subject, StringComparison.Ordinal));
        // Through the SMTP server: every indicator, worst first (administrators without two-factor: critical).
        var received = await server.WaitForAsync(m => m.Subject.StartsWith("Health digest", StringComparison.Ordinal), count: 2);
        Assert.Equal([CrmApp.AdminEmail, "eve@crm.test"], received.Select(m => m.To).Order(StringComparer.Ordinal));
        var text = received[0].Text;
        var lines = text.Split('\n').Where(l => !l.StartsWith(' ') && l.Contains(" — ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(lines.Count, received[0].Text.Split('\n').Count(l => l.StartsWith("  Thresholds: ", StringComparison.Ordinal)));
        Assert.Equal(lines.OrderBy(l => l.StartsWith("CRITICAL", StringComparison.Ordinal) ? 0 : l.StartsWith("WARNING", StringComparison.Ordinal) ? 1 : 2), lines);
        Assert.Contains("CRITICAL — Administrators with two-factor sign-in: ", text, StringComparison.Ordinal);
        Assert.Contains("GOOD — Audit chain last verified: 0 days", text, StringComparison.Ordinal);
        Assert.Contains("GOOD — Database size: ", text, StringComparison.Ordinal);

        // The same day again (a second run, a restart): nothing; the next day at 07:00 again, once.
        Assert.Empty(await RunAsync(TimeSpan.FromMinutes(15)));
        Assert.Empty(await RunAsync(TimeSpan.FromHours(12)));
        Assert.Empty(await RunAsync(TimeSpan.FromHours(6)));
        sent = await RunAsync(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(45));
        Assert.Equal([CrmApp.AdminEmail, "eve@crm.test"], sent.Select(s => s.To));
        Assert.All(sent, s => Assert.StartsWith("Health digest 2026-11-23: ", s.Subject, StringComparison.Ordinal));

        // Eve turns it off (signed in again: two days have passed); the day after only the first administrator gets one.
        eve = await app.SignInAsync("eve@crm.test", "a good long passphrase");
        (_, page) = await eve.GetPageAsync("/admin/health");
        Assert.True(page.QuerySelector("#Digest")!.HasAttribute("checked"));
        Assert.Equal(HttpStatusCode.Redirect, (await eve.SubmitAsync(page, new Dictionary<string, string> { ["Digest"] = "false" }, "#digest-form")).StatusCode);
        sent = await RunAsync(TimeSpan.FromDays(1));
        Assert.Equal([CrmApp.AdminEmail], sent.Select(s => s.To));
    }
}
