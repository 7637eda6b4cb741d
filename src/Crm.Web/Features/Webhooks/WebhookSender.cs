using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Email;
using Crm.Web.Features.Notifications;
using Crm.Web.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>What one attempt gave: the answer's status (null when none came), its first 2 KB, the error, how long it took.</summary>
public sealed record WebhookAttemptResult(bool Succeeded, int? StatusCode, string? Response, string? Error, int DurationMs, DateTime At);

/// <summary>
/// Sends one delivery and records the attempt: signed the Standard Webhooks way, over the guarded
/// client (<see cref="WebhookAddressGuard"/>, no redirects, 15 s), then the outcome: delivered; a retry
/// after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; failed after the last. 410 Gone disables the
/// endpoint at once; failures for 5 days in a row disable it and tell every administrator.
/// </summary>
public sealed partial class WebhookSender(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    IDataProtectionProvider protection,
    TimeProvider clock,
    ILogger<WebhookSender> logger)
{
    public const string ClientName = "webhooks";
    public const string SecretPurpose = "Crm.Webhooks.Secret";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The wait before the 2nd … 8th attempt; an 8th failure marks the delivery failed (about a day in all).</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>How long an endpoint may fail without a single success before it is disabled.</summary>
    public static readonly TimeSpan FailingLimit = TimeSpan.FromDays(5);

    private readonly IDataProtector _secrets = protection.CreateProtector(SecretPurpose);

    public string Protect(string secret) => _secrets.Protect(secret);

    /// <summary>
    /// Sends the delivery (held by <paramref name="claim"/>, or by nobody for a test or a replay sent
    /// now) and records the attempt; <paramref name="retry"/> false: a failure is final (the test event).
    /// </summary>
    public async Task<WebhookAttemptResult> AttemptAsync(Guid deliveryId, Guid? claim, bool retry, CancellationToken cancellationToken)
    {
        WebhookEndpoint endpoint;
        WebhookDelivery delivery;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var both = await (from d in db.Set<WebhookDelivery>().AsNoTracking()
                              join e in db.Set<WebhookEndpoint>().AsNoTracking() on d.EndpointId equals e.Id
                              where d.Id == deliveryId
                              select new { Delivery = d, Endpoint = e }).SingleAsync(cancellationToken);
            (delivery, endpoint) = (both.Delivery, both.Endpoint);
        }

        var sent = await SendAsync(endpoint, delivery, IsDebugging(endpoint), () => SecretsOf(endpoint), cancellationToken);
        await RecordAsync(endpoint, [sent], [], claim, retry);
        return sent.Result;
    }

    /// <summary>
    /// Sends an endpoint's leased deliveries one after another, in the order given (the trail's), then
    /// records every attempt in one transaction: a round trip to the database per batch, not per
    /// delivery, is what lets the sender keep up with the writers. A 410 Gone stops the batch (the
    /// endpoint is disabled); what was not sent, then or because the instance is stopping, is released
    /// for the next pass. Dying before the record sends those deliveries again once their lease lapses
    /// (at least once, each with its stable webhook-id).
    /// </summary>
    /// <returns>How many were attempted.</returns>
    public async Task<int> SendInOrderAsync(WebhookEndpoint endpoint, IReadOnlyList<WebhookDelivery> deliveries, Guid claim, CancellationToken cancellationToken)
    {
        var debug = IsDebugging(endpoint);
        // Unsealed once for the batch, not per delivery: the Data Protection key derivation is a send's costliest step.
        List<string>? secrets = null;
        var sent = new List<SentDelivery>(deliveries.Count);
        try
        {
            foreach (var delivery in deliveries)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var one = await SendAsync(endpoint, delivery, debug, () => secrets ??= SecretsOf(endpoint), cancellationToken);
                sent.Add(one);
                if (one.Result.StatusCode == (int)HttpStatusCode.Gone)
                {
                    break;
                }
            }
        }
        finally
        {
            // Recorded even when the instance is stopping mid-batch: those attempts happened.
            await RecordAsync(endpoint, sent, deliveries.Skip(sent.Count).Select(d => d.Id).ToList(), claim, retry: true);
        }

        return sent.Count;
    }

    private bool IsDebugging(WebhookEndpoint endpoint) => endpoint.DebugUntil is { } until && until > clock.GetUtcNow().UtcDateTime;

    /// <summary>One attempt's outcome, with the bodies debug mode keeps (null otherwise).</summary>
    private sealed record SentDelivery(WebhookDelivery Delivery, WebhookAttemptResult Result, string? RequestBody, string? ResponseBody);

    private async Task<SentDelivery> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, bool debug, Func<List<string>> secretsOf, CancellationToken cancellationToken)
    {
        var (result, responseBody) = await SendAsync(endpoint, delivery, secretsOf, cancellationToken);
        return new SentDelivery(delivery, result, debug ? delivery.Body : null, debug ? responseBody : null);
    }

    private async Task<(WebhookAttemptResult Result, string? ResponseBody)> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, Func<List<string>> secretsOf, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        var timestamp = at.ToUnixTimeSeconds();
        var watch = Stopwatch.StartNew();
        try
        {
            var secrets = secretsOf();
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", delivery.MessageId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Header(secrets, delivery.MessageId, timestamp, delivery.Body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadBoundedAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            var ok = status is >= 200 and < 300;
            return (new WebhookAttemptResult(ok, status, Excerpt(body), ok ? null : $"The endpoint answered {status} {response.ReasonPhrase}.",
                (int)watch.ElapsedMilliseconds, at.UtcDateTime), body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new WebhookAttemptResult(false, null, null, $"No answer within {Timeout.TotalSeconds:0} seconds.", (int)watch.ElapsedMilliseconds, at.UtcDateTime), null);
        }
        catch (HttpRequestException e)
        {
            var refused = FindRefusal(e);
            return (new WebhookAttemptResult(false, null, null, refused?.Message ?? e.Message, (int)watch.ElapsedMilliseconds, at.UtcDateTime), null);
        }
        catch (CryptographicException)
        {
            return (new WebhookAttemptResult(false, null, null, "The signing secret cannot be decrypted: the Data Protection keys it was stored with are gone. Rotate the secret.",
                (int)watch.ElapsedMilliseconds, at.UtcDateTime), null);
        }
    }

    private static WebhookRefusedException? FindRefusal(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>The secrets that sign now: the current one, and the previous one during its 24 hours.</summary>
    private List<string> SecretsOf(WebhookEndpoint endpoint)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var secrets = new List<string> { _secrets.Unprotect(endpoint.ProtectedSecret) };
        if (endpoint.ProtectedPreviousSecret is { } previous && endpoint.PreviousSecretUntil > now)
        {
            secrets.Add(_secrets.Unprotect(previous));
        }

        return secrets;
    }

    /// <summary>Reads at most 64 KB of the answer: the log keeps 2 KB, debug mode the rest.</summary>
    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string? Excerpt(string body) =>
        body.Length == 0 ? null : body.Length <= WebhookAttempt.ExcerptLength ? body : body[..WebhookAttempt.ExcerptLength];

    private async Task RecordAsync(WebhookEndpoint endpoint, IReadOnlyList<SentDelivery> sent, List<Guid> unsent, Guid? claim, bool retry)
    {
        // Recorded even when the instance is stopping: the attempts happened.
        var cancellationToken = CancellationToken.None;
        if (sent.Count == 0 && unsent.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A hundred attempts per statement (RowInserts): a batch is up to a hundred, and EF would send
        // one INSERT each on SQLite, in the one writer's time.
        await RowInserts.InsertAsync(db, "WebhookAttempts",
            ["DeliveryId", "EndpointId", "At", "StatusCode", "DurationMs", "Succeeded", "Response", "Error", "RequestBody", "ResponseBody"], sent,
            s => [s.Delivery.Id, endpoint.Id, s.Result.At, s.Result.StatusCode, s.Result.DurationMs, s.Result.Succeeded, s.Result.Response,
                s.Result.Error is { Length: > 2000 } e ? e[..2000] : s.Result.Error, s.RequestBody, s.ResponseBody],
            cancellationToken);

        // As read with the deliveries, then as this batch leaves it: a healthy endpoint (the usual case) needs no write.
        var failingSince = endpoint.FailingSince;
        foreach (var (delivery, result, _, _) in sent)
        {
            var attempt = delivery.Attempts + 1;
            var mine = db.Set<WebhookDelivery>().Where(d => d.Id == delivery.Id && d.LeaseOwner == claim);
            var gone = result.StatusCode == (int)HttpStatusCode.Gone;
            if (result.Succeeded)
            {
                // The delivery row itself is marked with the others of the batch below.
                if (retry && failingSince is not null)
                {
                    await db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint.Id && e.FailingSince != null)
                        .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, (DateTime?)null), cancellationToken);
                    failingSince = null;
                }

                LogDelivered(delivery.MessageId, delivery.EventType, endpoint.Id, attempt, result.StatusCode);
                continue;
            }

            var final = !retry || gone || attempt > Backoff.Count;
            DateTime? next = final ? null : result.At + Backoff[attempt - 1];
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, final ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending)
                .SetProperty(d => d.Attempts, attempt)
                .SetProperty(d => d.LastAttemptAt, result.At)
                .SetProperty(d => d.LastStatusCode, result.StatusCode)
                .SetProperty(d => d.LastError, result.Error)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LeaseOwner, (Guid?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
            LogFailed(delivery.MessageId, delivery.EventType, endpoint.Id, attempt, result.Error ?? "", next);
            if (!retry)
            {
                continue;
            }

            await db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint.Id && e.FailingSince == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, result.At), cancellationToken);
            // Another instance may have started the failing spell earlier: the database's time counts.
            failingSince = await db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint.Id).Select(e => e.FailingSince).SingleAsync(cancellationToken);
            if (gone)
            {
                await DisableAsync(scope.ServiceProvider, db, endpoint,
                    $"The endpoint answered 410 Gone on {result.At:yyyy-MM-dd HH:mm} UTC: the receiver says it no longer exists.", cancellationToken);
            }
            else if (failingSince is { } failing && result.At - failing >= FailingLimit)
            {
                await DisableAsync(scope.ServiceProvider, db, endpoint,
                    $"Every delivery since {failing:yyyy-MM-dd HH:mm} UTC failed (5 days); the last error: {result.Error}", cancellationToken);
            }
        }

        await MarkDeliveredAsync(db, sent, claim, cancellationToken);
        if (unsent.Count > 0)
        {
            // Not attempted: free for the next pass at once rather than when the lease lapses.
            await db.Set<WebhookDelivery>().Where(d => unsent.Contains(d.Id) && d.LeaseOwner == claim)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, (Guid?)null).SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the batch's delivered rows in one statement per answer status (nearly always one: 200),
    /// not one per delivery: on SQLite every statement is writer time the CRM's users wait for. Each
    /// row takes its delivery time from its own attempt, just written. A row whose lease was lost to
    /// another instance is left to that instance.
    /// </summary>
    private static async Task MarkDeliveredAsync(CrmDb db, IReadOnlyList<SentDelivery> sent, Guid? claim, CancellationToken cancellationToken)
    {
        var attempts = db.Set<WebhookAttempt>();
        foreach (var byStatus in sent.Where(s => s.Result.Succeeded).GroupBy(s => s.Result.StatusCode))
        {
            var status = byStatus.Key;
            var ids = byStatus.Select(s => s.Delivery.Id).ToList();
            await db.Set<WebhookDelivery>().Where(d => ids.Contains(d.Id) && d.LeaseOwner == claim).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, WebhookDeliveryStatus.Delivered)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.DeliveredAt, d => attempts.Where(a => a.DeliveryId == d.Id).Max(a => (DateTime?)a.At))
                .SetProperty(d => d.LastAttemptAt, d => attempts.Where(a => a.DeliveryId == d.Id).Max(a => (DateTime?)a.At))
                .SetProperty(d => d.LastStatusCode, status)
                .SetProperty(d => d.LastError, (string?)null)
                .SetProperty(d => d.NextAttemptAt, (DateTime?)null)
                .SetProperty(d => d.LeaseOwner, (Guid?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
        }
    }

    /// <summary>Disables the endpoint once (another instance may get there first) and tells every administrator how to re-enable it.</summary>
    private async Task DisableAsync(IServiceProvider services, CrmDb db, WebhookEndpoint endpoint, string reason, CancellationToken cancellationToken)
    {
        var bounded = reason.Length <= 500 ? reason : reason[..499] + "…";
        var disabled = await db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint.Id && e.IsEnabled)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.IsEnabled, false).SetProperty(e => e.DisabledReason, bounded), cancellationToken);
        if (disabled == 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var title = $"Webhook \"{endpoint.Name}\" was disabled";
        var body = $"{bounded} Nothing is sent to {endpoint.Url} until it is enabled again: fix the receiver, then open Administration › Webhooks › {endpoint.Name}, choose Edit and tick Enabled. Failed deliveries can be replayed from its page.";
        var administrators = await db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive).Select(u => new { u.Id, u.Email }).ToListAsync(cancellationToken);
        var outbox = services.GetRequiredService<EmailOutbox>();
        foreach (var administrator in administrators)
        {
            db.Notifications.Add(new Notification
            {
                UserId = administrator.Id,
                CreatedAt = now,
                Title = title.Length <= Notification.TitleMaxLength ? title : title[..Notification.TitleMaxLength],
                Body = body.Length <= Notification.BodyMaxLength ? body : body[..Notification.BodyMaxLength],
                Link = $"/admin/webhooks/{endpoint.Id}",
            });
            if (!string.IsNullOrEmpty(administrator.Email))
            {
                outbox.Queue(administrator.Email, title, body, "webhook-disabled");
            }
        }

        services.GetRequiredService<ActivityLog>().Record(Actor.System, WebhookActivity.Disabled, $"{title}: {bounded}");
        await db.SaveChangesAsync(cancellationToken);
        LogDisabled(endpoint.Id, bounded);
    }

    // Log lines name the delivery and endpoint, never a secret, a signature or a body.
    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {MessageId} ({EventType}) to endpoint {EndpointId} attempt {Attempt}: delivered ({StatusCode})")]
    private partial void LogDelivered(string messageId, string eventType, Guid endpointId, int attempt, int? statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {MessageId} ({EventType}) to endpoint {EndpointId} attempt {Attempt}: failed, next attempt {NextAttemptAt:u}: {Error}")]
    private partial void LogFailed(string messageId, string eventType, Guid endpointId, int attempt, string error, DateTime? nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} disabled: {Reason}")]
    private partial void LogDisabled(Guid endpointId, string reason);
}

/// <summary>The activity log's kinds for webhook administration.</summary>
public static class WebhookActivity
{
    public const string Created = "webhook-created";
    public const string Changed = "webhook-changed";
    public const string Deleted = "webhook-deleted";
    public const string SecretRotated = "webhook-secret-rotated";
    public const string Disabled = "webhook-disabled";
    public const string Replayed = "webhook-replayed";

    /// <summary>Enabled again by an administrator, with the choice made for the missed events.</summary>
    public const string Enabled = "webhook-enabled";
}
