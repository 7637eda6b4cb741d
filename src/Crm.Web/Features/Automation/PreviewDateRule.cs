using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>A coming firing of a date or scheduled rule: the record, its date (a schedule's: the day it runs), and the day and time (the organisation's) the rule is due on it (earlier: at the next pass).</summary>
public sealed record DateFiring(int RecordId, string Label, DateOnly Date, DateOnly DueOn, TimeOnly DueAt);

/// <summary>
/// "Preview" of a date or scheduled rule (administrators only): its next firings, with the records'
/// dates as they stand. A date rule's conditions are checked on the day, so a listed record may still
/// not match then. Read by the same query the job fires from.
/// </summary>
public sealed class PreviewDateRule(CrmDb db, OrganisationCalendar calendar, IOptionsMonitor<AutomationOptions> options, ScheduleSweep sweep, EvaluateRule evaluate, TimeProvider clock)
{
    public const int Shown = 20;

    /// <summary>How many records a scheduled rule's preview evaluates at most: with conditions few records meet, it stops there rather than read a whole large module.</summary>
    public const int ScheduleScanLimit = 10 * ScheduleSweep.Batch;

    public async Task<Result<IReadOnlyList<DateFiring>>> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<DateFiring>>.Forbidden("Only an administrator can see automation rules.");
        }

        var rule = await db.Set<AutomationRule>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Result<IReadOnlyList<DateFiring>>.NotFound();
        }

        if (rule.Trigger == AutomationTriggers.Schedule)
        {
            return await ScheduleAsync(rule, cancellationToken);
        }

        if (DateTriggers.Find(rule.Module, rule.TriggerField) is not { } field || rule.Trigger != AutomationTriggers.DateReached)
        {
            return Result<IReadOnlyList<DateFiring>>.Invalid("trigger", "Only a rule fired by a date or a schedule has firings to preview.");
        }

        var hours = DateTriggers.Hours(rule.TriggerOffsetDays ?? 0, rule.TriggerOffsetHours ?? 0);
        var offset = DateTriggers.FloorDays(hours);
        var at = new TimeOnly((int)(hours - (offset * 24L)), 0);
        var (first, _) = await FireDateRules.DueDaysAsync(rule, calendar, options.CurrentValue, cancellationToken);
        var next = await field.Unfired(db, rule.Id, FireDateRules.Shift(first, -offset), DateOnly.MaxValue).Take(Shown).ToListAsync(cancellationToken);
        return Result<IReadOnlyList<DateFiring>>.Ok([.. next.Select(r => new DateFiring(r.Id, r.Label, r.Date, FireDateRules.Shift(r.Date, offset), at))]);
    }

    /// <summary>
    /// A scheduled rule's next run: a day it missed or is due on now (at the job's next pass), else
    /// today at its time if that is still to come, else tomorrow. Its records are walked and evaluated
    /// as the job does (<see cref="ScheduleSweep"/>, <see cref="EvaluateRule"/>) with today's values; the
    /// first <see cref="Shown"/> that match are listed, with the day as their date.
    /// </summary>
    private async Task<Result<IReadOnlyList<DateFiring>>> ScheduleAsync(AutomationRule rule, CancellationToken cancellationToken)
    {
        if (rule.TriggerTime is not { } time)
        {
            return Result<IReadOnlyList<DateFiring>>.Ok([]);
        }

        if (await evaluate.ActorAsync(rule, cancellationToken) is not { } user)
        {
            return Result<IReadOnlyList<DateFiring>>.Invalid("automationUserId", EvaluateRule.AutomationUserInactive);
        }

        var due = await FireScheduledRules.DueDaysAsync(db, rule, calendar, options.CurrentValue, clock, cancellationToken);
        var today = await calendar.TodayAsync(cancellationToken);
        var day = due.Count > 0 ? due[0].Day
            : await calendar.InstantOfAsync(today, time, cancellationToken) > clock.GetUtcNow() ? today
            : today.AddDays(1);
        var firings = new List<DateFiring>();
        var (after, scanned) = ((int?)0, 0);
        while (after is { } from && firings.Count < Shown && scanned < ScheduleScanLimit)
        {
            var (records, next) = await sweep.BatchAsync(rule, user, day, from, cancellationToken);
            foreach (var record in records)
            {
                if ((await evaluate.RunAsync(rule, AutomationTriggers.Schedule, record.Id, record.Label, "{}", cancellationToken)).Evaluation.Matched)
                {
                    firings.Add(new DateFiring(record.Id, record.Label, day, day, time));
                    if (firings.Count == Shown)
                    {
                        break;
                    }
                }
            }

            (after, scanned) = (next, scanned + ScheduleSweep.Batch);
        }

        return Result<IReadOnlyList<DateFiring>>.Ok(firings);
    }
}
