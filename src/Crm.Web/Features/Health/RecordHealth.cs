using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

/// <summary>
/// The scheduler's <c>record-health</c> job, every minute: measures every indicator, keeps the day's
/// figure and state (30 days of them), and when an indicator's state differs from the one
/// administrators were last told about, tells every active administrator in-app, once, in the same
/// transaction as the new state (so two runs never announce the same change twice), and by email
/// to each of them with an address, through the outbox in that same transaction.
/// </summary>
public sealed class RecordHealth(CrmDb db, MeasureHealth measure, TimeProvider clock, AdministratorNotices notices, EmailOutbox outbox) : IRecurringJob
{
    public const string JobName = "record-health";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var measured = await measure.RunAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var readings = await db.Set<HealthReading>().Where(r => r.Day == today).ToDictionaryAsync(r => r.Key, StringComparer.Ordinal, cancellationToken);
        var statuses = await db.Set<HealthStatus>().ToDictionaryAsync(s => s.Key, StringComparer.Ordinal, cancellationToken);
        List<string>? addresses = null;
        foreach (var m in measured)
        {
            var key = m.Definition.Key;
            if (!readings.TryGetValue(key, out var reading))
            {
                reading = new HealthReading { Key = key, Day = today };
                db.Add(reading);
            }

            reading.Figure = m.Figure.Value;
            reading.State = m.State;
            reading.MeasuredAt = now;

            statuses.TryGetValue(key, out var status);
            if (status?.State == m.State)
            {
                continue;
            }

            // A first measurement is news only when it is bad; after that, every change is.
            var was = status?.State;
            if (status is null)
            {
                status = new HealthStatus { Key = key };
                db.Add(status);
            }

            status.State = m.State;
            status.Since = now;
            if (was is null && m.State == HealthState.Good)
            {
                continue;
            }

            var (title, body) = Message(m, was);
            await notices.AddAsync(now, title, body, m.Definition.Link, cancellationToken);
            addresses ??= await AdministratorAddressesAsync(db, cancellationToken);
            foreach (var address in addresses)
            {
                outbox.Queue(address, title, body, EmailPurpose);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        var oldest = today.AddDays(1 - HealthReading.KeptDays);
        await db.Set<HealthReading>().Where(r => r.Day < oldest).ExecuteDeleteAsync(cancellationToken);
    }

    private static (string Title, string Body) Message(HealthMeasurement m, HealthState? was)
    {
        var state = Word(m.State);
        var title = m.State == HealthState.Good ? $"Health: {m.Definition.Title} is good again" : $"Health: {m.Definition.Title} is {state}";
        var before = was is { } previous ? $" It was {Word(previous)}." : "";
        var body = $"{m.Figure.Summary}.{before} Thresholds: {m.Thresholds}. See Administration › Health for the figures, and {m.Definition.Link} to act.";
        return (title, body);
    }

    public const string EmailPurpose = "health-state";

    /// <summary>Every active administrator's address (those without one get the in-app notification only).</summary>
    public static Task<List<string>> AdministratorAddressesAsync(CrmDb db, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive && u.Email != null && u.Email != "")
            .OrderBy(u => u.Email).Select(u => u.Email!).ToListAsync(cancellationToken);

    public static string Word(HealthState state) => state switch
    {
        HealthState.Warning => "warning",
        HealthState.Critical => "critical",
        _ => "good",
    };

}
