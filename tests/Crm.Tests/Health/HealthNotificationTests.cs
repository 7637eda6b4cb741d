using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email;
using Crm.Web.Features.Health;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.TwoFactor;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Health;

/// <summary>
/// The record-health job through the scheduler: administrators are told once per change of state
/// (not at every run), the day's figure is kept and readings older than 30 days go; without a
/// metrics token, /metrics does not exist.
/// </summary>
public sealed class HealthNotificationTests
{
    [Fact]
    public async Task Administrators_are_notified_once_per_change_of_state_and_the_days_are_kept_for_30_days()
    {
        await using var app = new CrmApp();
        var scheduler = app.Services.GetRequiredService<JobScheduler>();
        var adminId = await app.AdminIdAsync();
        var second = await app.CreateUserAsync("eve@crm.test", "a good long passphrase", administrator: true, name: "Eve");
        await app.InDatabaseAsync(db => db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        var staff = await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await app.InDatabaseAsync(db =>
        {
            db.Add(new HealthReading { Key = EmailQueueHealth.Key, Day = today.AddDays(-40), Figure = 3, State = HealthState.Warning, MeasuredAt = app.Clock.GetUtcNow().UtcDateTime.AddDays(-40) });
            return db.SaveChangesAsync();
        });

        async Task<List<(Guid UserId, string Title)>> RunAsync()
        {
            app.Clock.Advance(RecordHealth.Interval);
            Assert.Contains(RecordHealth.JobName, await scheduler.RunDueAsync(CancellationToken.None));
            return await app.InDatabaseAsync(async db =>
            {
                var rows = await db.Notifications.Where(n => n.Title.StartsWith("Health:")).Select(n => new { n.UserId, n.Title, n.Id }).ToListAsync();
                await db.Notifications.ExecuteDeleteAsync();
                return rows.OrderBy(n => n.Id).Select(n => (n.UserId, n.Title)).ToList();
            });
        }

        // The first run: every indicator good, so nothing to tell; then runs without change tell nothing either.
        Assert.Empty(await RunAsync());
        Assert.Empty(await RunAsync());

        // One blocked email: a warning, told once to each active administrator (not to staff).
        await app.InDatabaseAsync(db =>
        {
            db.OutgoingEmails.Add(new OutgoingEmail
            {
                Id = Guid.CreateVersion7(), To = "a@example.com", Subject = "Hello", ProtectedBody = "x", Purpose = "test",
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, Status = EmailStatus.Blocked, Attempts = 8,
            });
            return db.SaveChangesAsync();
        });
        var told = await RunAsync();
        Assert.Equal(new[] { (adminId, "Health: Email queue blocked is warning"), (second.Id, "Health: Email queue blocked is warning") }, told.OrderBy(t => t.UserId == adminId ? 0 : 1).ToArray());
        Assert.DoesNotContain(told, t => t.UserId == staff.Id);
        Assert.Empty(await RunAsync());
        Assert.Empty(await RunAsync());

        // An administrator without two-factor: critical, told once; the email back to good: told once.
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == second.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, false)));
        await app.InDatabaseAsync(db => db.OutgoingEmails.ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Discarded)));
        told = await RunAsync();
        Assert.Equal(4, told.Count);
        Assert.Equal(2, told.Count(t => t.Title == "Health: Administrators with two-factor sign-in is critical"));
        Assert.Equal(2, told.Count(t => t.Title == "Health: Email queue blocked is good again"));
        Assert.Empty(await RunAsync());

        var twoFactor = await app.InDatabaseAsync(db => db.Set<HealthStatus>().Where(s => s.Key == AdministratorsTwoFactorHealth.Key).Select(s => s.State).SingleAsync());
        Assert.Equal(HealthState.Critical, twoFactor);

        // Today's figures are kept (one row per indicator and day), the reading of 40 days ago is gone.
        var readings = await app.InDatabaseAsync(db => db.Set<HealthReading>().AsNoTracking().ToListAsync());
        Assert.DoesNotContain(readings, r => r.Day < today.AddDays(-29));
        var email = Assert.Single(readings, r => r.Key == EmailQueueHealth.Key);
        Assert.Equal((today, 0.0, HealthState.Good), (email.Day, email.Figure, email.State));

        // The dashboard draws them; without a metrics token /metrics is not there, even for an administrator.
        var admin = await app.SignInAsync("eve@crm.test", "a good long passphrase");
        var json = await (await admin.Http.GetAsync("/api/v1/health")).ReadJsonAsync();
        var indicator = json.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == EmailQueueHealth.Key);
        Assert.Single(indicator.GetProperty("history").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/metrics")).StatusCode);
    }
}
