using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Notifications;

public sealed record NotificationView(long Id, DateTime CreatedAt, string Title, string Body, string? Link, bool IsRead);

public sealed record NotificationList(IReadOnlyList<NotificationView> Items, int UnreadCount);

/// <summary>The caller's own notifications, newest first; nobody reads another person's.</summary>
public sealed class ListNotifications(CrmDb db)
{
    public const int Limit = 100;

    public async Task<Result<NotificationList>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.UserId is not { } userId)
        {
            return Result<NotificationList>.Ok(new([], 0));
        }

        var items = await db.Notifications.AsNoTracking()
            .Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(Limit)
            .Select(n => new NotificationView(n.Id, n.CreatedAt, n.Title, n.Body, n.Link, n.ReadAt != null))
            .ToListAsync(cancellationToken);
        var unread = await db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, cancellationToken);
        return Result<NotificationList>.Ok(new(items, unread));
    }
}
