using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>A coming firing of a date rule: the record, its date, and the day and time (the organisation's) the rule is due on it (earlier: at the next pass).</summary>
public sealed record DateFiring(int RecordId, string Label, DateOnly Date, DateOnly DueOn, TimeOnly DueAt);

/// <summary>
/// "Preview" of a date rule (administrators only): its next firings, with the records' dates as
/// they stand. Conditions are checked on the day, so a listed record may still not match then.
/// Read by the same query the job fires from.
/// </summary>
public sealed class PreviewDateRule(CrmDb db, OrganisationCalendar calendar, IOptionsMonitor<AutomationOptions> options)
{
    public const int Shown = 20;

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

        if (DateTriggers.Find(rule.Module, rule.TriggerField) is not { } field || rule.Trigger != AutomationTriggers.DateReached)
        {
            return Result<IReadOnlyList<DateFiring>>.Invalid("trigger", "Only a rule fired by a date has firings to preview.");
        }

        var hours = DateTriggers.Hours(rule.TriggerOffsetDays ?? 0, rule.TriggerOffsetHours ?? 0);
        var offset = DateTriggers.FloorDays(hours);
        var at = new TimeOnly((int)(hours - (offset * 24L)), 0);
        var (first, _) = await FireDateRules.DueDaysAsync(rule, calendar, options.CurrentValue, cancellationToken);
        var next = await field.Unfired(db, rule.Id, FireDateRules.Shift(first, -offset), DateOnly.MaxValue).Take(Shown).ToListAsync(cancellationToken);
        return Result<IReadOnlyList<DateFiring>>.Ok([.. next.Select(r => new DateFiring(r.Id, r.Label, r.Date, FireDateRules.Shift(r.Date, offset), at))]);
    }
}
