using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>A day a scheduled rule is due to run over its module, and the instant its time fell on.</summary>
public sealed record ScheduledDay(DateOnly Day, DateTimeOffset At);

/// <summary>
/// Fires the scheduled rules (<see cref="AutomationTriggers.Schedule"/>): once the rule's time of
/// the organisation's day has come, each record of its module the automation user may view is
/// evaluated (<see cref="AutomationFanOut.RecordRunAsync"/>) and, where the conditions hold, its run
/// is saved with an occurrence keyed (rule, record, day) — the date trigger's once-only key, so a
/// record fires once a day whatever the number of instances or restarts. When the pass over the
/// module is complete, an occurrence on record <see cref="DayDone"/> marks the day done (ADR 0046),
/// so the next passes of the job that day visit nothing; a pass cut short (a restart) resumes on the
/// records not yet fired. A day missed while the scheduler was down is run when it is back, within
/// <see cref="AutomationOptions.DateCatchUpDays"/>, never before the rule was last saved.
/// </summary>
public sealed class FireScheduledRules(
    CrmDb db, AutomationFanOut fanOut, EvaluateRule evaluate, ScheduleSweep sweep, OrganisationCalendar calendar, IOptionsMonitor<AutomationOptions> options, TimeProvider clock)
    : IRecurringJob
{
    public const string JobName = "automation-schedule";

    /// <summary>The record ID of the occurrence that says a day's pass is complete: no record has it.</summary>
    public const int DayDone = 0;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var rules = await db.Set<AutomationRule>().AsNoTracking().Where(r => r.IsEnabled && r.Trigger == AutomationTriggers.Schedule)
            .OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in rules)
        {
            db.ChangeTracker.Clear();
            await FireRuleAsync(id, cancellationToken);
        }
    }

    private async Task FireRuleAsync(Guid id, CancellationToken cancellationToken)
    {
        // Tracked: a rule whose automation user is gone is stopped, and that is saved.
        var rule = await db.Set<AutomationRule>().FirstOrDefaultAsync(r => r.Id == id && r.IsEnabled, cancellationToken);
        if (rule?.TriggerTime is null)
        {
            return;
        }

        foreach (var due in await DueDaysAsync(db, rule, calendar, options.CurrentValue, clock, cancellationToken))
        {
            if (await evaluate.ActorAsync(rule, cancellationToken) is not { } user)
            {
                rule.IsEnabled = false;
                rule.StoppedReason = EvaluateRule.AutomationUserInactive;
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            int? after = 0;
            while (after is { } from)
            {
                var (records, next) = await sweep.BatchAsync(rule, user, due.Day, from, cancellationToken);
                foreach (var record in records)
                {
                    if (!await FireAsync(rule, record, due.Day, cancellationToken))
                    {
                        // Another instance fired this record first: it has the rule's day in hand.
                        return;
                    }
                }

                after = next;
            }

            await MarkDoneAsync(rule, due.Day, cancellationToken);
        }
    }

    /// <summary>
    /// The days whose run is due now, oldest first: the rule's time on that day has come, it came
    /// after the rule was last saved (enabling a rule at 09:00 does not run today's 08:00), the day
    /// is within the catch-up days, and its pass is not done.
    /// </summary>
    public static async Task<IReadOnlyList<ScheduledDay>> DueDaysAsync(
        CrmDb db, AutomationRule rule, OrganisationCalendar calendar, AutomationOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (rule.TriggerTime is not { } time)
        {
            return [];
        }

        var now = clock.GetUtcNow();
        var saved = new DateTimeOffset(DateTime.SpecifyKind(rule.ModifiedAt, DateTimeKind.Utc));
        var today = await calendar.TodayAsync(cancellationToken);
        var first = today.AddDays(-Math.Max(0, options.DateCatchUpDays));
        var done = (await db.Set<AutomationOccurrence>().AsNoTracking()
            .Where(o => o.RuleId == rule.Id && o.RecordId == DayDone && o.FieldDate >= first).Select(o => o.FieldDate).ToListAsync(cancellationToken)).ToHashSet();
        var due = new List<ScheduledDay>();
        for (var day = first; day <= today; day = day.AddDays(1))
        {
            var at = await calendar.InstantOfAsync(day, time, cancellationToken);
            if (at <= now && at >= saved && !done.Contains(day))
            {
                due.Add(new ScheduledDay(day, at));
            }
        }

        return due;
    }

    private async Task<bool> FireAsync(AutomationRule rule, ScheduledRecord record, DateOnly day, CancellationToken cancellationToken)
    {
        var run = await fanOut.RecordRunAsync(rule, AutomationTriggers.Schedule, null, record.Id.ToString(CultureInfo.InvariantCulture), record.Label, "{}", null, cancellationToken, matchesOnly: true);
        if (run is null)
        {
            // The conditions left the record out: nothing to log or keep.
            return true;
        }

        return await SaveOccurrenceAsync(rule, record.Id, day, run.Id, cancellationToken);
    }

    /// <summary>The day's pass is complete: the job's next passes today visit nothing. Another instance marking it too is the same news.</summary>
    private async Task MarkDoneAsync(AutomationRule rule, DateOnly day, CancellationToken cancellationToken) =>
        await SaveOccurrenceAsync(rule, DayDone, day, null, cancellationToken);

    private async Task<bool> SaveOccurrenceAsync(AutomationRule rule, int recordId, DateOnly day, Guid? runId, CancellationToken cancellationToken)
    {
        db.Set<AutomationOccurrence>().Add(new AutomationOccurrence
        {
            RuleId = rule.Id,
            RecordId = recordId,
            FieldDate = day,
            DueOn = day,
            FiredAt = clock.GetUtcNow().UtcDateTime,
            RunId = runId,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Set<AutomationOccurrence>().AnyAsync(o => o.RuleId == rule.Id && o.RecordId == recordId && o.FieldDate == day, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }
}
