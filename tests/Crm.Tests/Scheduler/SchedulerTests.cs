using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Scheduler;

public sealed class SchedulerTests
{
    private static Task<IReadOnlyList<string>> RunDueAsync(CrmApp app) =>
        app.Services.GetRequiredService<JobScheduler>().RunDueAsync(CancellationToken.None);

    [Fact]
    public async Task Two_instances_on_one_database_never_run_the_same_job_at_the_same_time()
    {
        await using var one = new CrmApp();
        await using var two = new CrmApp().With("ConnectionStrings:Crm", one.Database.ConnectionString);
        _ = one.Server;
        _ = two.Server;
        // Every recurring job the features register (each is due at the first round).
        var definitions = one.Services.GetServices<Crm.Web.Features.Scheduler.RecurringJobDefinition>().ToList();
        var registered = definitions.Select(d => d.Name).Order(StringComparer.Ordinal).ToArray();
        // The longest interval (the daily audit check), so every job is due again at each round.
        var longest = definitions.Max(d => d.Interval);
        Assert.Contains(RemoveStaleSessions.JobName, registered);

        for (var round = 0; round < 6; round++)
        {
            // Both instances, twice each, at once: every due job must run exactly once.
            var ran = (await Task.WhenAll(RunDueAsync(one), RunDueAsync(two), RunDueAsync(one), RunDueAsync(two))).SelectMany(r => r).ToList();
            Assert.Equal(registered, ran.Order(StringComparer.Ordinal).ToArray());

            // Not due again until its interval has passed.
            Assert.Empty(await RunDueAsync(one));
            one.Clock.Advance(longest);
            two.Clock.Advance(longest);
        }

        var rows = await one.InDatabaseAsync(db => db.ScheduledJobs.ToListAsync());
        Assert.All(rows.Where(r => r.Name != Crm.Web.Features.Email.EmailDelivery.JobName), r =>
        {
            Assert.Equal((JobScheduler.Succeeded, (Guid?)null, (string?)null), (r.LastOutcome, r.LeaseHolder, r.LastError));
            Assert.NotNull(r.LastFinishedAt);
        });
    }

    [Fact]
    public async Task A_job_held_by_an_instance_that_died_runs_elsewhere_once_the_lease_lapses()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.InDatabaseAsync(async db =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""INSERT INTO "ScheduledJobs" ("Name") VALUES ({RemoveStaleSessions.JobName})""");
            return await db.ScheduledJobs.Where(j => j.Name == RemoveStaleSessions.JobName)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseHolder, Guid.NewGuid()).SetProperty(j => j.LeasedUntil, now + JobScheduler.Lease));
        });

        Assert.DoesNotContain(RemoveStaleSessions.JobName, await RunDueAsync(app));
        app.Clock.Advance(JobScheduler.Lease + TimeSpan.FromSeconds(1));
        Assert.Contains(RemoveStaleSessions.JobName, await RunDueAsync(app));
    }

    [Fact]
    public async Task The_session_clean_up_removes_only_sessions_nobody_can_use()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var user = await app.CreateUserAsync("ann@crm.test", "a good long passphrase");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.InDatabaseAsync(async db =>
        {
            db.UserSessions.Add(new UserSession { Id = Guid.NewGuid(), UserId = user.Id, CreatedAt = now.AddDays(-40), LastSeenAt = now.AddDays(-31) });
            db.UserSessions.Add(new UserSession { Id = Guid.NewGuid(), UserId = user.Id, CreatedAt = now.AddDays(-40), LastSeenAt = now.AddDays(-1), RevokedAt = now.AddDays(-31) });
            db.UserSessions.Add(new UserSession { Id = Guid.NewGuid(), UserId = user.Id, CreatedAt = now.AddDays(-2), LastSeenAt = now.AddDays(-1), RevokedAt = now.AddDays(-1) });
            return await db.SaveChangesAsync();
        });

        Assert.Contains(RemoveStaleSessions.JobName, await RunDueAsync(app));
        var left = await app.InDatabaseAsync(db => db.UserSessions.Select(s => new { s.UserId, s.RevokedAt }).ToListAsync());
        Assert.Equal(2, left.Count); // the administrator's live session and the recently revoked one
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task A_job_that_has_not_run_for_five_minutes_past_its_interval_shows_as_late()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        await RunDueAsync(app);

        var (_, page) = await admin.GetPageAsync("/admin/scheduler");
        var row = page.QuerySelector($"tr[data-job='{RemoveStaleSessions.JobName}']")!;
        Assert.DoesNotContain("job-late", row.ClassName ?? "", StringComparison.Ordinal);
        Assert.Contains("succeeded", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-22 09:00", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-22 10:00", row.TextContent, StringComparison.Ordinal); // next run

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(5));
        var json = await (await admin.Http.GetAsync("/api/v1/scheduler")).ReadJsonAsync();
        var job = json.EnumerateArray().Single(j => j.GetProperty("name").GetString() == RemoveStaleSessions.JobName);
        Assert.False(job.GetProperty("isLate").GetBoolean());

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        (_, page) = await admin.GetPageAsync("/admin/scheduler");
        Assert.Contains("job-late", page.QuerySelector($"tr[data-job='{RemoveStaleSessions.JobName}']")!.ClassName, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector(".scheduler-warning"));
        json = await (await admin.Http.GetAsync("/api/v1/scheduler")).ReadJsonAsync();
        Assert.True(json.EnumerateArray().Single(j => j.GetProperty("name").GetString() == RemoveStaleSessions.JobName).GetProperty("isLate").GetBoolean());

        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/scheduler")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/scheduler")).StatusCode);
    }

    [Fact]
    public async Task The_background_scheduler_runs_the_jobs_on_its_own()
    {
        await using var app = new CrmApp().With("Scheduler:Enabled", "true").With("Scheduler:TickSeconds", "1");
        _ = app.Server;
        var waited = System.Diagnostics.Stopwatch.StartNew(); // real time bounds the wait; the CRM's clock is the test's
        while (await app.InDatabaseAsync(db => db.ScheduledJobs.CountAsync(j => j.LastOutcome == JobScheduler.Succeeded)) < 2)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the scheduler did not run the jobs within 30 s");
            await Task.Delay(100);
        }
    }
}
