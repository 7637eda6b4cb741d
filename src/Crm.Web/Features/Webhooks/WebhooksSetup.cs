using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Crm.Web.Web;

namespace Crm.Web.Features.Webhooks;

public sealed class WebhooksSetup : ICrmFeature
{
    /// <summary>The endpoints' use cases, the fan-out and the sender with its guarded HTTP client, and the log's retention job.</summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<WebhookDeliveryHealth>();
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddDocumentTransformer<WebhookOpenApi>());
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddScoped<WebhookFilters>();
        services.AddScoped<WebhookFanOut>();

        // One instance, both hosted and injectable: a replay wakes it.
        services.AddSingleton<WebhookWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookWorker>());

        // No redirects (a 3xx is a failed attempt, never a hop inside the network), no proxy (it
        // would connect for us, past the guard), and every connection through the guard.
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var guard = provider.GetRequiredService<WebhookAddressGuard>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    UseCookies = false,
                    ConnectCallback = guard.ConnectAsync,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                };
            });

        services.AddScoped<SaveWebhook>();
        services.AddScoped<ListWebhooks>();
        services.AddScoped<ReadWebhook>();
        services.AddScoped<DeleteWebhook>();
        services.AddScoped<RotateWebhookSecret>();
        services.AddScoped<SetWebhookDebug>();
        services.AddScoped<SendTestWebhook>();
        services.AddScoped<ReplayWebhookDeliveries>();
        services.AddRecurringJob<PruneWebhookLog>(PruneWebhookLog.JobName,
            "Removes webhook attempts, and finished deliveries, older than Webhooks:AttemptRetentionDays (30 days).", TimeSpan.FromHours(6));

        services.AddSection(new Section(
            "Webhooks",
            "Send record events to other systems: endpoints, signing secrets, delivery log, test events and replays.",
            "/admin/webhooks",
            550,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
    }

    public void MapApi(RouteGroupBuilder api) => api.MapWebhooksApi();

    private static readonly HelpTopic s_help = new("webhooks", "Webhooks",
    [
        "A webhook tells another system (an ERP, Make.com, a mobile app's server) about changes in the CRM as they happen: when a record of a chosen module is created, updated or deleted, and for module events such as a lead converted, a memo reviewed or a record transferred to a new owner. The CRM sends an HTTPS POST with a JSON body {type, timestamp, data} to the endpoint's URL.",
        "Each endpoint names an integration user. Every payload holds the record exactly as that user would read it through the API: fields hidden from the user's role are left out, an update lists only the changed fields the user may see (old and new values), and a record the user may not see is not sent at all. A deleted record's event carries its id and label only. Give the integration user a role with just what the other system needs.",
        "A filter narrows what an endpoint gets: conditions on a module's fields and custom fields (equals, not-equals, in-list, is-empty, is-not-empty, greater-than, less-than; name a custom field as customFields.key), all of which must hold for an event of that module to be sent; a module without conditions sends every event. The conditions are tested on the record as the integration user reads it: a creation or an update on the new values, a deletion on the record's last values. A field hidden from the integration user's role, or an admin-only custom field, cannot be used; if a field becomes hidden later, the conditions on it let nothing through.",
        "Every request is signed the Standard Webhooks way (headers webhook-id, webhook-timestamp and webhook-signature). The signing secret (whsec_…) is shown once, when the endpoint is created or its secret rotated: copy it into the receiving system then. After a rotation the old secret keeps signing alongside the new one for 24 hours, so the receiver can switch without losing an event. Rotating is a sensitive action: if you signed in more than 10 minutes ago, you are asked for your password again (the API takes it as currentPassword), and an API token cannot rotate a secret.",
        "A delivery that fails (no answer within 15 seconds, an error, or an answer other than 2xx) is tried again after 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours, always with the same webhook-id so the receiver can drop duplicates. An answer of 410 Gone disables the endpoint at once; an endpoint whose deliveries have all failed for 5 days is disabled too, and every administrator is told. Fix the receiver, then edit the endpoint and tick Enabled.",
        "An event is normally sent within a second or two of its change. While the people using the CRM keep every core of the server busy, sending waits before each batch (half a second at most each time) and catches up once the load eases, so webhooks take little from their saves; under such a load events arrive later, none is lost.",
        "While an endpoint is disabled (by an administrator or by the CRM) the events it would have been sent are kept, up to the log's retention (30 days by default), and its page counts them. When you enable it again, the edit page shows how many it missed and asks what becomes of them: deliver them now, oldest first, or drop them (the log keeps them as Dropped, and each can still be replayed). Through the API, send missedEvents: \"deliver\" or \"drop\" with enabled: true.",
        "The endpoint's page shows its success rate over 24 hours and 7 days, the oldest delivery still waiting, and the log of every attempt with its status, duration, the first 2 KB of the answer and the error. Send test event sends a webhook.test event now and shows the answer. Debug mode keeps the full request and response bodies for a while (1 hour by default) and then switches itself off. Replay sends one delivery again, or every failed delivery since a given time (the page shows how many first).",
        "For safety the CRM only sends to public addresses on ports 443 and 80: addresses inside your network (loopback, private ranges, link-local, cloud metadata) are refused when the endpoint is saved and again on every connection, and redirects are not followed. An operator can allow named internal hosts with the Webhooks:AllowedHosts setting.",
    ], AdministratorsOnly: true);
}
