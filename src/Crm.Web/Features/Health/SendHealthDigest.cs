using System.Globalization;
using System.Text;
using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

/// <summary>
/// The scheduler's <c>health-digest</c> job: from 07:00 in the organisation's time zone, one email a
/// day to every active administrator who opted in (<see cref="HealthDigestSubscription"/>) and has an
/// address, listing every indicator's state, figure and summary, worst first. Each administrator's
/// day is claimed by a conditional update in the transaction that queues the email, so a second run,
/// a second instance or a restart the same day finds it claimed and sends nothing.
/// </summary>
public sealed class SendHealthDigest(CrmDb db, MeasureHealth measure, OrganisationCalendar calendar, EmailOutbox outbox, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "health-digest";
    public const string EmailPurpose = "health-digest";
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    public static readonly TimeOnly SendsAt = new(7, 0);
    public static string SendsAtText => SendsAt.ToString("HH:mm", CultureInfo.InvariantCulture);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var today = await calendar.TodayAsync(cancellationToken);
        if (clock.GetUtcNow() < await calendar.InstantOfAsync(today, SendsAt, cancellationToken))
        {
            return;
        }

        var due = await (from s in db.Set<HealthDigestSubscription>()
                         join u in db.Users on s.UserId equals u.Id
                         where (s.LastSentDay == null || s.LastSentDay < today) && u.IsAdministrator && u.IsActive && u.Email != null && u.Email != ""
                         select new { u.Id, Email = u.Email! }).AsNoTracking().ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return;
        }

        var (subject, body) = Digest(await measure.RunAsync(cancellationToken), today);
        foreach (var administrator in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.Set<HealthDigestSubscription>()
                .Where(s => s.UserId == administrator.Id && (s.LastSentDay == null || s.LastSentDay < today))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSentDay, today), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            outbox.Queue(administrator.Email, subject, body, EmailPurpose);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The digest: a subject counting what is wrong, then every indicator worst first (critical, warning, good; the dashboard's order within each).</summary>
    public static (string Subject, string Body) Digest(IReadOnlyList<HealthMeasurement> measured, DateOnly day)
    {
        var critical = measured.Count(m => m.State == HealthState.Critical);
        var warnings = measured.Count(m => m.State == HealthState.Warning);
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var subject = critical + warnings == 0
            ? $"Health digest {date}: all {measured.Count} indicators good"
            : $"Health digest {date}: {critical} critical, {warnings} {(warnings == 1 ? "warning" : "warnings")}";
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"The CRM's health on {date}, worst first.\n\n");
        foreach (var m in measured.OrderByDescending(m => m.State))
        {
            var figure = m.Figure.Value is { } v ? $"{HealthIndicatorRegistration.Number(v)} {m.Definition.Unit}" : "nothing to measure";
            body.Append(CultureInfo.InvariantCulture, $"{RecordHealth.Word(m.State).ToUpperInvariant()} — {m.Definition.Title}: {figure}\n  {m.Figure.Summary}.\n  Thresholds: {m.Thresholds}. Act at {m.Definition.Link}.\n\n");
        }

        body.Append("See Administration › Health for the last 30 days. You get this email because you chose the daily digest there; untick it to stop.");
        return (subject, body.ToString());
    }
}
