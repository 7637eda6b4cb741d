using Crm.Web.Security;

namespace Crm.Web.Features.Webhooks;

/// <summary>The webhook endpoints of <c>/api/v1</c>, for administrators, over the same use cases as the pages.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Administrator);

        webhooks.MapGet("", async (HttpContext http, ListWebhooks list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListWebhooks")
            .WithSummary("Every webhook endpoint with its success rate over 24 h and 7 d and its oldest waiting delivery; never a secret.");

        webhooks.MapGet("/catalog", () => Results.Ok(WebhookCatalog.Modules.Select(m => new { module = m.Key, events = WebhookCatalog.CommonEvents.Concat(m.ModuleEvents) })))
            .WithName("ListWebhookEvents")
            .WithSummary("The modules an endpoint may subscribe to, each with its events.");

        webhooks.MapGet("/payload-schema", () => Results.Json(WebhookPayloadSchema.Build(), contentType: "application/schema+json"))
            .WithName("ReadWebhookPayloadSchema")
            .WithSummary("The JSON Schema of every webhook body: {type, timestamp, data} for a changed record, a deleted one and the test event.");

        webhooks.MapPost("", async (HttpContext http, WebhookRequest body, SaveWebhook save, CancellationToken cancellationToken) =>
                (await save.CreateAsync(http.Actor(), body.ToInput(), cancellationToken))
                    .ToHttp(created => Results.Json(created, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateWebhook")
            .WithSummary("Adds an endpoint. The answer holds its signing secret (whsec_…), once: it is never shown again.");

        webhooks.MapGet("/{id:guid}", async (HttpContext http, Guid id, string? status, ReadWebhook read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, status, cancellationToken)).ToHttp())
            .WithName("ReadWebhook")
            .WithSummary("One endpoint with its latest 50 deliveries (status=pending, delivered, failed or dropped to filter) and each one's attempts.");

        webhooks.MapPut("/{id:guid}", async (HttpContext http, Guid id, WebhookRequest body, SaveWebhook save, CancellationToken cancellationToken) =>
                (await save.UpdateAsync(http.Actor(), id, body.ToInput(), cancellationToken)).ToHttp())
            .WithName("UpdateWebhook")
            .WithSummary("Replaces the endpoint's settings; enabled: true re-enables a disabled endpoint, and missedEvents says whether the events it held meanwhile are delivered in order or dropped.");

        webhooks.MapDelete("/{id:guid}", async (HttpContext http, Guid id, DeleteWebhook delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteWebhook")
            .WithSummary("Removes the endpoint with its deliveries and log.");

        webhooks.MapPost("/{id:guid}/rotate-secret", async (HttpContext http, Guid id, RotateSecretRequest? body, RotateWebhookSecret rotate, CancellationToken cancellationToken) =>
                (await rotate.RunAsync(http.Actor(), id, body?.CurrentPassword, cancellationToken)).ToHttp())
            .WithName("RotateWebhookSecret")
            .WithSummary("A new signing secret, shown once; the previous one keeps signing alongside it for 24 hours. Needs a sign-in from the last 10 minutes, or the caller's password in currentPassword.");

        webhooks.MapPost("/{id:guid}/test", async (HttpContext http, Guid id, SendTestWebhook test, CancellationToken cancellationToken) =>
                (await test.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("SendTestWebhook")
            .WithSummary("Sends a webhook.test event now and answers with the endpoint's answer (status, first 2 KB, error, duration).");

        webhooks.MapPost("/{id:guid}/debug", async (HttpContext http, Guid id, DebugRequest body, SetWebhookDebug debug, CancellationToken cancellationToken) =>
                (await debug.RunAsync(http.Actor(), id, body.Minutes, cancellationToken)).ToHttp())
            .WithName("SetWebhookDebug")
            .WithSummary("Keeps request and response bodies in the log for the given minutes (60 by default, 0 turns it off); it switches itself off.");

        webhooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", async (HttpContext http, Guid id, Guid deliveryId, ReplayWebhookDeliveries replay, CancellationToken cancellationToken) =>
                (await replay.OneAsync(http.Actor(), id, deliveryId, cancellationToken)).ToHttp())
            .WithName("ReplayWebhookDelivery")
            .WithSummary("Sends one delivered or failed delivery again, with the same webhook-id and body.");

        webhooks.MapGet("/{id:guid}/replay-failed", async (HttpContext http, Guid id, DateTime? since, ReplayWebhookDeliveries replay, CancellationToken cancellationToken) =>
                (await replay.PreviewFailedAsync(http.Actor(), id, since, cancellationToken)).ToHttp())
            .WithName("PreviewWebhookReplay")
            .WithSummary("How many failed deliveries created since the given time a replay would send.");

        webhooks.MapPost("/{id:guid}/replay-failed", async (HttpContext http, Guid id, ReplayRequest body, ReplayWebhookDeliveries replay, CancellationToken cancellationToken) =>
                (await replay.FailedAsync(http.Actor(), id, body.Since, cancellationToken)).ToHttp())
            .WithName("ReplayFailedWebhooks")
            .WithSummary("Sends every failed delivery created since the given time again, each with a fresh series of attempts.");

        return api;
    }

    /// <param name="Name">Up to 100 characters, like "ERP - orders".</param>
    /// <param name="Url">https:// address of the receiver; at most 2000 characters; no user name or password; a public address.</param>
    /// <param name="UserId">The active integration user whose permissions shape every payload.</param>
    /// <param name="Modules">Module keys, like ["companies", "leads"] (see /catalog).</param>
    /// <param name="Events">Events, like ["created", "updated", "deleted", "converted"], applied to each chosen module that has them.</param>
    /// <param name="Enabled">True by default.</param>
    /// <param name="Filter">
    /// Optional conditions on field values, all of which must hold for an event of their module to be sent, like
    /// [{"module": "deals", "field": "amount", "operator": "greater-than", "value": "10000"}]. A field is one of the
    /// module's (see /api/v1/automation/fields) or a custom field as "customFields.key", and one the integration user
    /// may see; operators: equals, not-equals, in-list (with "values"), is-empty, is-not-empty, greater-than, less-than.
    /// Updates are tested on the new values, deletions on the last ones. Absent or empty: every event.
    /// </param>
    /// <param name="MissedEvents">
    /// When this change enables a disabled endpoint that holds events it missed (endpoint.health.waiting of the GET):
    /// "deliver" sends them now, oldest first; "drop" never sends them (each stays in the log as Dropped). Required then, ignored otherwise.
    /// </param>
    public sealed record WebhookRequest(string? Name, string? Url, Guid? UserId, IReadOnlyList<string>? Modules, IReadOnlyList<string>? Events, bool? Enabled,
        IReadOnlyList<WebhookCondition>? Filter, string? MissedEvents)
    {
        public WebhookInput ToInput() => new(Name, Url, UserId, Modules, Events, Enabled, Filter, MissedEvents);
    }

    /// <param name="Minutes">1 to 1440; 0 turns debug mode off; 60 when absent.</param>
    public sealed record DebugRequest(int? Minutes);

    /// <param name="CurrentPassword">The caller's own password, needed when they signed in more than 10 minutes ago.</param>
    public sealed record RotateSecretRequest(string? CurrentPassword);

    /// <param name="Since">Failed deliveries created at or after this time are sent again.</param>
    public sealed record ReplayRequest(DateTime? Since);
}
