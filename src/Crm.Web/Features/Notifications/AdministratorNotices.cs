using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Notifications;

/// <summary>
/// An in-app notification to every active administrator (a GDPR deadline near, a health indicator
/// turning red, an automation rule paused), added to the caller's unit of work so it is saved with
/// the change that caused it. The administrators are read once per scope; texts longer than a
/// notification holds are shortened with an ellipsis.
/// </summary>
public sealed class AdministratorNotices(CrmDb db)
{
    private List<Guid>? _administrators;

    public async Task AddAsync(DateTime now, string title, string body, string link, CancellationToken cancellationToken)
    {
        _administrators ??= await db.Users.Where(u => u.IsAdministrator && u.IsActive).Select(u => u.Id).ToListAsync(cancellationToken);
        foreach (var administrator in _administrators)
        {
            db.Notifications.Add(new Notification
            {
                UserId = administrator,
                CreatedAt = now,
                Title = AuditNames.Bound(title, Notification.TitleMaxLength),
                Body = AuditNames.Bound(body, Notification.BodyMaxLength),
                Link = link,
            });
        }
    }
}
