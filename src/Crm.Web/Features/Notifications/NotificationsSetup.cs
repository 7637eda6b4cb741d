using Crm.Web.Features.Help;
using Crm.Web.Web;

namespace Crm.Web.Features.Notifications;

public sealed class NotificationsSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListNotifications>();
        services.AddScoped<MarkNotificationsRead>();
        services.AddScoped<AdministratorNotices>();
        services.AddSection(new Section("Notifications", "Messages from the CRM that need your attention.", "/notifications", 50, _ => true));
        services.AddHelpTopic(new HelpTopic("notifications", "Notifications",
        [
            "Notifications are messages from the CRM to you personally, such as a country value it did not recognise (for administrators). Unread ones are highlighted and counted at the top.",
            "Follow a notification's title to the page where you can act on it, then mark it as read, one by one or all at once. Nobody else sees your notifications.",
        ]));
    }
}
