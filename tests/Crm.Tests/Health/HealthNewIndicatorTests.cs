using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Health;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Health.HealthKit;

namespace Crm.Tests.Health;

/// <summary>
/// The indicators added for issue 27's missing figures, each at good, warning and critical: the audit
/// chain's last verification (recorded by the daily job and by audit verify), the database's size and
/// growth, and the licence's seats.
/// </summary>
public sealed class HealthNewIndicatorTests
{
    [Fact]
    public async Task Audit_chain_is_good_after_a_check_warning_after_a_week_without_one_and_critical_when_the_last_found_a_break()
    {
        await using var app = new CrmApp();
        var (state, figure) = await MeasureAsync(app, AuditChainHealth.Key);
        Assert.Equal(HealthState.Good, state);
        Assert.Contains("never been verified", figure.Summary, StringComparison.Ordinal);
        // Never verified and the trail 8 days old: nobody runs the check.
        Assert.Equal(HealthState.Warning, await StateAsync(app, AuditChainHealth.Key, TimeSpan.FromDays(8)));

        // The scheduler's daily job verifies the chain and records the run.
        Assert.Contains(CheckAuditChain.JobName, await app.Services.GetRequiredService<JobScheduler>().RunDueAsync(CancellationToken.None));
        var run = await app.InDatabaseAsync(db => db.Set<AuditVerification>().SingleAsync());
        Assert.True(run.Intact);
        Assert.True(run.Checked > 0);
        (state, figure) = await MeasureAsync(app, AuditChainHealth.Key, TimeSpan.FromDays(7).Add(TimeSpan.FromHours(23)));
        Assert.Equal((HealthState.Good, 7.0), (state, figure.Value));
        Assert.Equal(HealthState.Warning, await StateAsync(app, AuditChainHealth.Key, TimeSpan.FromDays(8)));
        (state, figure) = await MeasureAsync(app, AuditChainHealth.Key, TimeSpan.FromDays(31));
        Assert.Equal((HealthState.Critical, 31.0), (state, figure.Value));

        // A later check that found a break is critical at once, though the last intact one is an hour old.
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.InDatabaseAsync(db =>
        {
            db.Add(new AuditVerification { Id = Guid.CreateVersion7(), RanAt = now.AddMinutes(30), Intact = false, Checked = 12, FirstBrokenId = 13, Problem = "entry 13 does not match its hash" });
            return db.SaveChangesAsync();
        });
        (state, figure) = await MeasureAsync(app, AuditChainHealth.Key, TimeSpan.FromHours(1));
        Assert.Equal((HealthState.Critical, 0.0), (state, figure.Value));
        Assert.Contains("BROKEN at entry 13", figure.Summary, StringComparison.Ordinal);

        // The next intact check clears it.
        app.Clock.Advance(TimeSpan.FromHours(1));
        using (var scope = app.Services.CreateScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<CheckAuditChain>().CheckAsync(CancellationToken.None)).Intact);
        }

        Assert.Equal(HealthState.Good, await StateAsync(app, AuditChainHealth.Key));
        Assert.Equal(3, await app.InDatabaseAsync(db => db.Set<AuditVerification>().CountAsync()));
    }

    [Fact]
    public async Task Database_size_is_measured_with_its_growth_over_7_days_and_judged_by_its_thresholds()
    {
        await using var app = new CrmApp();
        var (state, figure) = await MeasureAsync(app, DatabaseSizeHealth.Key);
        Assert.Equal(HealthState.Good, state);
        var size = Assert.IsType<double>(figure.Value);
        Assert.True(size > 0.01, $"size {size} MB");
        Assert.Contains("no figure from the last 7 days", figure.Summary, StringComparison.Ordinal);

        // Growth from the oldest figure of the last 7 days; older ones do not count.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await app.InDatabaseAsync(db =>
        {
            db.AddRange(
                new HealthReading { Key = DatabaseSizeHealth.Key, Day = today.AddDays(-9), Figure = 0, State = HealthState.Good },
                new HealthReading { Key = DatabaseSizeHealth.Key, Day = today.AddDays(-7), Figure = 0.25, State = HealthState.Good },
                new HealthReading { Key = DatabaseSizeHealth.Key, Day = today.AddDays(-2), Figure = size - 0.5, State = HealthState.Good });
            return db.SaveChangesAsync();
        });
        (_, figure) = await MeasureAsync(app, DatabaseSizeHealth.Key);
        var grown = HealthIndicatorRegistration.Number(Math.Round(figure.Value!.Value - 0.25, 2));
        Assert.Equal($"{HealthIndicatorRegistration.Number(figure.Value.Value)} MB, +{grown} MB in 7 days", figure.Summary);

        // Under thresholds an administrator could set: above the warning size, above the critical one.
        Assert.Equal(HealthState.Warning, await StateAsync(app, DatabaseSizeHealth.Key, thresholds: (size / 2, size * 2)));
        Assert.Equal(HealthState.Critical, await StateAsync(app, DatabaseSizeHealth.Key, thresholds: (size / 4, size / 2)));
    }

    [Fact]
    public async Task Seats_are_good_below_90_percent_warning_when_all_are_used_and_critical_past_the_licence()
    {
        await using var app = new CrmApp().With("Licensing:IncludedSeats", "8").With("Licensing:ExtraSeats", "2");
        var used = await app.InDatabaseAsync(db => db.Users.CountAsync(u => u.IsActive && !u.IsIntegration));
        for (var i = used; i < 9; i++)
        {
            await app.CreateUserAsync($"seat{i}@crm.test", "a good long passphrase");
        }

        var (state, figure) = await MeasureAsync(app, SeatsHealth.Key);
        Assert.Equal((HealthState.Good, 90.0, "9 of 10 seats used (1 free)"), (state, figure.Value, figure.Summary));

        await app.CreateUserAsync("seat9@crm.test", "a good long passphrase");
        (state, figure) = await MeasureAsync(app, SeatsHealth.Key);
        Assert.Equal((HealthState.Warning, 100.0), (state, figure.Value));
        Assert.StartsWith("All 10 seats used", figure.Summary, StringComparison.Ordinal);

        // More active users than seats (the licence lowered under them); integration and deactivated users hold none.
        await app.CreateUserAsync("seat10@crm.test", "a good long passphrase");
        var idle = await app.CreateUserAsync("idle@crm.test", "a good long passphrase");
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == idle.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));
        (state, figure) = await MeasureAsync(app, SeatsHealth.Key);
        Assert.Equal((HealthState.Critical, 110.0, "11 active users for 10 seats: 1 more than the licence"), (state, figure.Value, figure.Summary));
    }
}
