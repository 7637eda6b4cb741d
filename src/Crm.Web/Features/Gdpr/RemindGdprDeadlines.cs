using Crm.Web.Data;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>
/// Scheduled: tells every active administrator, in-app, when an open request is 7 days from its
/// deadline, 1 day from it, and past it, each once. A request remembers the last reminder sent
/// (<see cref="GdprRequest.RemindersSent"/>, saved with the notifications), so a later run or another
/// instance does not send it again; one registered late sends only the reminder of where it stands.
/// </summary>
public sealed class RemindGdprDeadlines(CrmDb db, GdprDeadlines deadlines, TimeProvider clock, AdministratorNotices notices) : IRecurringJob
{
    public const string JobName = "gdpr-deadline-reminders";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var today = await deadlines.TodayAsync(cancellationToken);
        // Only requests within 7 days of their deadline (or past it) can be owed a reminder.
        var receivedBy = today.AddDays(GdprDeadlines.DueSoonDays - GdprRequest.DeadlineDays);
        var due = await db.Set<GdprRequest>()
            .Where(r => (r.Status == GdprStatuses.Open || r.Status == GdprStatuses.InProgress) && r.ReceivedOn <= receivedBy && r.RemindersSent < GdprReminderStage.Overdue)
            .OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var owed = due.Select(r => (Request: r, Stage: GdprReminderStage.Of(GdprDeadlines.DaysLeft(r, today)))).Where(r => r.Stage > r.Request.RemindersSent).ToList();
        if (owed.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (request, stage) in owed)
        {
            var (title, body) = Message(request, stage, GdprDeadlines.DaysLeft(request, today));
            await notices.AddAsync(now, title, body, $"/admin/gdpr/{request.Id}", cancellationToken);

            request.RemindersSent = stage;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static (string Title, string Body) Message(GdprRequest request, int stage, int daysLeft)
    {
        var what = $"{GdprKinds.Title(request.Kind)} request ID {request.Id}";
        var deadline = request.Deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return stage switch
        {
            GdprReminderStage.Overdue => ($"Data-protection request overdue: {what}",
                $"The legal deadline of {what} was {deadline} and it is not answered yet. Answer it or record why it is refused."),
            GdprReminderStage.OneDay => ($"Data-protection request due {(daysLeft == 0 ? "today" : "tomorrow")}: {what}",
                $"{what} must be answered by {deadline}."),
            _ => ($"Data-protection request due in {daysLeft} days: {what}",
                $"{what} must be answered by {deadline}."),
        };
    }
}
