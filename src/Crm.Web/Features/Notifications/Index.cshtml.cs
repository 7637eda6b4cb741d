using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Notifications;

public sealed class NotificationsPage(ListNotifications list, MarkNotificationsRead markRead) : PageModel
{
    public NotificationList Notifications { get; private set; } = new([], 0);

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Notifications = (await list.RunAsync(HttpContext.Actor(), cancellationToken)).Value ?? Notifications;

    public async Task<IActionResult> OnPostReadAsync(long? id, CancellationToken cancellationToken)
    {
        var result = await markRead.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.Outcome switch
        {
            Outcome.Ok => Redirect("/notifications"),
            Outcome.NotFound => NotFound(),
            _ => StatusCode(StatusCodes.Status403Forbidden),
        };
    }

    /// <summary>Only a path inside the CRM becomes a link; anything else stays text.</summary>
    public static bool IsLocalLink(string? link) =>
        link is { Length: > 1 } && link[0] == '/' && link[1] is not '/' and not '\\';
}
