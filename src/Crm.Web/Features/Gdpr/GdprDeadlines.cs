using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>How many open requests fall due within 7 days, and how many are past their deadline.</summary>
public sealed record GdprDueCounts(int DueWithinSevenDays, int Overdue);

/// <summary>
/// The register's calendar: "today" is the organisation's day (its time zone in the settings, UTC
/// when none is set), and a request is due soon from 7 days before its deadline and overdue the day
/// after it, while it is open or in progress. <see cref="CountAsync"/> is what a health dashboard asks.
/// </summary>
public sealed class GdprDeadlines(CrmDb db, OrganisationCalendar calendar)
{
    public const int DueSoonDays = 7;

    /// <summary>The organisation's current calendar day.</summary>
    public Task<DateOnly> TodayAsync(CancellationToken cancellationToken) => calendar.TodayAsync(cancellationToken);

    /// <summary>Days from <paramref name="today"/> to the deadline: 0 on the day itself, negative once past.</summary>
    public static int DaysLeft(GdprRequest request, DateOnly today) => request.Deadline.DayNumber - today.DayNumber;

    public static bool IsOverdue(GdprRequest request, DateOnly today) => !request.IsClosed && DaysLeft(request, today) < 0;

    public static bool IsDueSoon(GdprRequest request, DateOnly today) => !request.IsClosed && DaysLeft(request, today) is >= 0 and <= DueSoonDays;

    /// <summary>Open and in-progress requests due within 7 days (today included), and those past their deadline.</summary>
    public async Task<GdprDueCounts> CountAsync(CancellationToken cancellationToken)
    {
        var today = await TodayAsync(cancellationToken);
        // Deadline = received + 30: overdue when received before today - 30; due soon when received in [today - 30, today - 23].
        var overdueBefore = today.AddDays(-GdprRequest.DeadlineDays);
        var dueSoonFrom = today.AddDays(DueSoonDays - GdprRequest.DeadlineDays);
        var open = db.Set<GdprRequest>().AsNoTracking().Where(r => r.Status == GdprStatuses.Open || r.Status == GdprStatuses.InProgress);
        var overdue = await open.CountAsync(r => r.ReceivedOn < overdueBefore, cancellationToken);
        var dueSoon = await open.CountAsync(r => r.ReceivedOn >= overdueBefore && r.ReceivedOn <= dueSoonFrom, cancellationToken);
        return new GdprDueCounts(dueSoon, overdue);
    }
}
