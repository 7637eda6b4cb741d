using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Notifications;

/// <summary>Marks one of the caller's notifications (or all of them) as read; another person's is "not found".</summary>
public sealed class MarkNotificationsRead(CrmDb db, TimeProvider clock)
{
    /// <summary>Marks notification <c>id</c>, or every unread one when it is null.</summary>
    public async Task<Result<int>> RunAsync(Actor actor, long? id, CancellationToken cancellationToken)
    {
        if (actor.UserId is not { } userId)
        {
            return Result<int>.NotFound();
        }

        if (actor.IsPreview)
        {
            return Result<int>.Forbidden("Nothing can be changed while previewing the CRM as another user.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.Notifications.Where(n => n.UserId == userId);
        if (id is { } one)
        {
            if (!await mine.AnyAsync(n => n.Id == one, cancellationToken))
            {
                return Result<int>.NotFound();
            }

            mine = mine.Where(n => n.Id == one);
        }

        var marked = await mine.Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        return Result<int>.Ok(marked);
    }
}
