using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>
/// Fires the rules timed on a date (<see cref="AutomationTriggers.DateReached"/>): for each enabled
/// one, the records whose date plus the rule's offset is today, or an earlier day it missed while
/// the scheduler was down, are evaluated like a change (<see cref="AutomationFanOut.RecordRunAsync"/>)
/// and their occurrence written with the run in one save. The occurrence's key lets a rule fire
/// once per record and date, whatever the number of instances: a second instance's save fails on
/// it and that instance leaves the rule to the first.
/// </summary>
public sealed class FireDateRules(CrmDb db, AutomationFanOut fanOut, OrganisationCalendar calendar, IOptionsMonitor<AutomationOptions> options, TimeProvider clock)
    : IRecurringJob
{
    public const string JobName = "automation-dates";
    public const int Batch = 500;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var rules = await db.Set<AutomationRule>().AsNoTracking().Where(r => r.IsEnabled && r.Trigger == AutomationTriggers.DateReached)
            .OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in rules)
        {
            db.ChangeTracker.Clear();
            await FireRuleAsync(id, cancellationToken);
        }
    }

    private async Task FireRuleAsync(Guid id, CancellationToken cancellationToken)
    {
        // Tracked: a rule whose automation user is gone is stopped by the run, and that is saved with it.
        var rule = await db.Set<AutomationRule>().FirstOrDefaultAsync(r => r.Id == id && r.IsEnabled, cancellationToken);
        if (rule is null || DateTriggers.Find(rule.Module, rule.TriggerField) is not { } field)
        {
            return;
        }

        var (first, today) = await DueDaysAsync(rule, calendar, options.CurrentValue, cancellationToken);
        var hours = DateTriggers.Hours(rule.TriggerOffsetDays ?? 0, rule.TriggerOffsetHours ?? 0);
        var (from, to) = await DueDatesAsync(hours, first, today, calendar, clock, cancellationToken);
        var offset = DateTriggers.FloorDays(hours);
        while (rule.IsEnabled)
        {
            var due = await field.Unfired(db, rule.Id, from, to).Take(Batch).ToListAsync(cancellationToken);
            foreach (var record in due)
            {
                if (!await FireAsync(rule, record, offset, cancellationToken))
                {
                    // Another instance fired this occurrence first: it has the rule in hand.
                    return;
                }
            }

            if (due.Count < Batch)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The days whose occurrences a rule fires now: from the latest of "today minus the catch-up
    /// days" and the day the rule was last saved (enabling a rule does not fire what fell due
    /// before it), to today, in the organisation's calendar.
    /// </summary>
    public static async Task<(DateOnly First, DateOnly Today)> DueDaysAsync(AutomationRule rule, OrganisationCalendar calendar, AutomationOptions options, CancellationToken cancellationToken)
    {
        var today = await calendar.TodayAsync(cancellationToken);
        var saved = await calendar.DayOfAsync(new DateTimeOffset(DateTime.SpecifyKind(rule.ModifiedAt, DateTimeKind.Utc)), cancellationToken);
        var catchUp = today.AddDays(-Math.Max(0, options.DateCatchUpDays));
        return (saved > catchUp ? saved : catchUp, today);
    }

    /// <summary>
    /// The dates whose occurrence is due now: the date's start in the organisation's calendar plus the
    /// rule's offset (<paramref name="hours"/>) falls from the first due day's start up to now. In
    /// whole days that is the first due day and today shifted back; with hours, the last date is the
    /// organisation's day at now minus the offset, and the first is rounded the same way.
    /// </summary>
    public static async Task<(DateOnly From, DateOnly To)> DueDatesAsync(
        long hours, DateOnly first, DateOnly today, OrganisationCalendar calendar, TimeProvider clock, CancellationToken cancellationToken)
    {
        var days = DateTriggers.FloorDays(hours);
        var from = Shift(first, -days);
        if (hours % 24 == 0)
        {
            return (from, Shift(today, -days));
        }

        var to = await calendar.DayOfAsync(clock.GetUtcNow() - TimeSpan.FromHours(hours), cancellationToken);
        return (from, to);
    }

    private async Task<bool> FireAsync(AutomationRule rule, DueRecord record, int offset, CancellationToken cancellationToken)
    {
        var run = await fanOut.RecordRunAsync(rule, AutomationTriggers.DateReached, null, record.Id.ToString(CultureInfo.InvariantCulture), record.Label, "{}", null, cancellationToken);
        db.Set<AutomationOccurrence>().Add(new AutomationOccurrence
        {
            RuleId = rule.Id,
            RecordId = record.Id,
            FieldDate = record.Date,
            DueOn = Shift(record.Date, offset),
            FiredAt = clock.GetUtcNow().UtcDateTime,
            RunId = run?.Id,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Set<AutomationOccurrence>().AnyAsync(o => o.RuleId == rule.Id && o.RecordId == record.Id && o.FieldDate == record.Date, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>The day a date plus some days falls on, held at the calendar's ends.</summary>
    public static DateOnly Shift(DateOnly date, int days) =>
        date.DayNumber + (long)days > DateOnly.MaxValue.DayNumber ? DateOnly.MaxValue
        : date.DayNumber + (long)days < DateOnly.MinValue.DayNumber ? DateOnly.MinValue
        : date.AddDays(days);
}
