using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>
/// The organisation's calendar day: "today" in the time zone of its localisation settings (UTC when
/// none is set), for what counts in days — a GDPR deadline, a rule's "7 days from today", a task an
/// automation makes "due in 3 days". At 23:30 in New York it is still today there, though tomorrow
/// in UTC. The zone is read once per scope.
/// </summary>
public sealed class OrganisationCalendar(CrmDb db, TimeProvider clock)
{
    private TimeZoneInfo? _zone;

    public Task<DateOnly> TodayAsync(CancellationToken cancellationToken) => DayOfAsync(clock.GetUtcNow(), cancellationToken);

    /// <summary>The organisation's day at an instant (a rule's last save, say).</summary>
    public async Task<DateOnly> DayOfAsync(DateTimeOffset instant, CancellationToken cancellationToken) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, await ZoneAsync(cancellationToken)).DateTime);

    /// <summary>
    /// The instant a time of the organisation's day falls on (a scheduled rule's 08:00). Where a clock
    /// change skips that time, the first valid time after it; where it repeats it, the first of the two.
    /// </summary>
    public async Task<DateTimeOffset> InstantOfAsync(DateOnly day, TimeOnly time, CancellationToken cancellationToken)
    {
        var zone = await ZoneAsync(cancellationToken);
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The organisation's time zone, as its localisation settings name it (UTC when none is set).</summary>
    public async Task<TimeZoneInfo> ZoneAsync(CancellationToken cancellationToken)
    {
        if (_zone is null)
        {
            var zoneId = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId).Select(s => s.TimeZone).FirstOrDefaultAsync(cancellationToken);
            _zone = Formats.FindZone(zoneId) ?? TimeZoneInfo.Utc;
        }

        return _zone;
    }
}
