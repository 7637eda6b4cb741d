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
    public async Task<DateOnly> DayOfAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        if (_zone is null)
        {
            var zoneId = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId).Select(s => s.TimeZone).FirstOrDefaultAsync(cancellationToken);
            _zone = Formats.FindZone(zoneId) ?? TimeZoneInfo.Utc;
        }

        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);
    }
}
