using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// Turns the sealed audit trail into deliveries (ADR 0026). The trail is written in the same
/// transaction as every change, and sealing numbers committed entries in order, so reading the
/// seals after a cursor sees each committed change once and never one that was rolled back. In one
/// transaction it locks the cursor row (several instances take turns), reads the next entries,
/// writes a delivery for each endpoint (enabled or not: a disabled one's wait) that wants the event, whose integration user may see the
/// record and whose filter the record passes, and moves the cursor: a crash before the commit leaves both as they were.
/// </summary>
public sealed class WebhookFanOut(CrmDb db, IServiceProvider services, RecordAccess access, WebhookFilters filters, TimeProvider clock, IOptions<JsonOptions> json)
{
    /// <summary>Entries read per transaction; a full batch means the caller should run again at once.</summary>
    public const int Batch = 200;

    // The batch's deliveries, written with the moved cursor (InsertDeliveriesAsync).
    private readonly List<WebhookDelivery> _deliveries = [];

    /// <summary>Reads one batch of sealed entries; returns how many were read (a full batch: call again).</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _deliveries.Clear();
        return SealedTrailReader.ReadAsync<WebhookCursor>(db, Batch, FanOutAsync, cancellationToken, InsertDeliveriesAsync);
    }

    /// <summary>
    /// The batch's deliveries, a hundred per INSERT (<see cref="RowInserts"/>), in the transaction that moves
    /// the cursor: EF would send one INSERT per delivery on SQLite, three per change with three endpoints,
    /// while that transaction holds the one writer the users' saves wait for.
    /// </summary>
    private Task InsertDeliveriesAsync(CancellationToken cancellationToken) =>
        RowInserts.InsertAsync(db, "WebhookDeliveries", ["Id", "EndpointId", "EventType", "AuditEntryId", "Body", "CreatedAt", "Status", "Attempts", "NextAttemptAt"],
            _deliveries, d => [d.Id, d.EndpointId, d.EventType, d.AuditEntryId, d.Body, d.CreatedAt, (int)d.Status, d.Attempts, d.NextAttemptAt], cancellationToken);

    /// <summary>
    /// Adds a delivery per endpoint that wants each entry; false when there is no endpoint (nobody listens).
    /// A disabled endpoint's deliveries are written too and wait, unsent, until an administrator enables
    /// it again and chooses to deliver or drop them (<see cref="SaveWebhook"/>), or the retention prunes them.
    /// </summary>
    private async Task<bool> FanOutAsync(IReadOnlyList<SealedEntry> entries, CancellationToken cancellationToken)
    {
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking().ToListAsync(cancellationToken);
        if (endpoints.Count == 0)
        {
            return false;
        }

        var actors = await ActorsAsync(endpoints, cancellationToken);
        var conditions = endpoints.ToDictionary(e => e.Id, e => WebhookFilters.Parse(e.Filter));
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var entry in entries)
        {
            if (WebhookCatalog.Find(entry.EntityType) is not { } module
                || !int.TryParse(entry.EntityId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            var changes = JsonNode.Parse(entry.Changes) as JsonObject ?? [];
            // Endpoints of the same integration user see the record alike: it is read once for them.
            var reads = new Dictionary<Guid, ReadRecord?>();
            foreach (var endpoint in endpoints)
            {
                if (entry.At < endpoint.CreatedAt || !endpoint.ModuleList.Contains(module.Key)
                    || EventFor(endpoint, module, entry.Action, changes) is not { } eventName
                    || !actors.TryGetValue(endpoint.UserId, out var actor))
                {
                    continue;
                }

                JsonNode? data;
                if (eventName == WebhookCatalog.Deleted)
                {
                    data = await DeletedAsync(actor, module, id, entry.Label, changes, cancellationToken);
                    if (data is not null && !await filters.PassesAsync(actor, module.Key, id, eventName, conditions[endpoint.Id], null, changes, cancellationToken))
                    {
                        continue;
                    }
                }
                else
                {
                    // The integration user may not see this record (null): nothing is sent at all.
                    if (!reads.TryGetValue(endpoint.UserId, out var read))
                    {
                        reads[endpoint.UserId] = read = await ReadAsync(actor, module, id, cancellationToken);
                    }

                    if (read is null || !await filters.PassesAsync(actor, module.Key, id, eventName, conditions[endpoint.Id], read, null, cancellationToken))
                    {
                        continue;
                    }

                    data = Record(module, id, read.Answer, eventName == WebhookCatalog.Created ? null : changes);
                }

                if (data is null)
                {
                    continue;
                }

                var type = $"{module.Key}.{eventName}";
                _deliveries.Add(new WebhookDelivery
                {
                    Id = Guid.CreateVersion7(),
                    EndpointId = endpoint.Id,
                    EventType = type,
                    AuditEntryId = entry.EntryId,
                    Body = Payload(type, entry.At, data),
                    CreatedAt = now,
                    Status = WebhookDeliveryStatus.Pending,
                    NextAttemptAt = now,
                });
            }
        }

        return true;
    }

    /// <summary>
    /// Queues one delivery of record <paramref name="id"/> of <paramref name="moduleKey"/> to the endpoint,
    /// as its integration user reads it (the payload of a change, without changes, plus <paramref name="rule"/>):
    /// what an automation rule's "call-webhook" action sends. The caller saves; the worker sends, signs
    /// and retries it like every delivery. Returns why nothing was queued, or null.
    /// </summary>
    public async Task<string?> QueueForRuleAsync(Guid endpointId, string moduleKey, int id, JsonObject rule, CancellationToken cancellationToken)
    {
        var endpoint = await db.Set<WebhookEndpoint>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId, cancellationToken);
        if (endpoint is null)
        {
            return "The webhook endpoint no longer exists.";
        }

        if (!endpoint.IsEnabled)
        {
            return $"The webhook endpoint \"{endpoint.Name}\" is disabled.";
        }

        if (WebhookCatalog.Find(moduleKey) is not { } module)
        {
            return $"Webhooks do not report on {moduleKey}.";
        }

        var actors = await ActorsAsync([endpoint], cancellationToken);
        if (!actors.TryGetValue(endpoint.UserId, out var actor) || await ReadAsync(actor, module, id, cancellationToken) is not { } read
            || Record(module, id, read.Answer, null) is not { } data)
        {
            return $"The integration user of \"{endpoint.Name}\" may not see {moduleKey} {id}: nothing was sent.";
        }

        data["rule"] = rule;
        var now = clock.GetUtcNow().UtcDateTime;
        var type = $"{module.Key}.{WebhookCatalog.Automation}";
        db.Set<WebhookDelivery>().Add(new WebhookDelivery
        {
            Id = Guid.CreateVersion7(),
            EndpointId = endpoint.Id,
            EventType = type,
            Body = Payload(type, now, data),
            CreatedAt = now,
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
        });
        return null;
    }

    /// <summary>The JSON every receiver gets: the Standard Webhooks shape.</summary>
    public static string Payload(string type, DateTime at, JsonNode data) => new JsonObject
    {
        ["type"] = type,
        ["timestamp"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["data"] = data,
    }.ToJsonString();

    /// <summary>Each endpoint's integration user as an actor; a deactivated user reads nothing, so gets nothing.</summary>
    private async Task<Dictionary<Guid, Actor>> ActorsAsync(List<WebhookEndpoint> endpoints, CancellationToken cancellationToken)
    {
        var ids = endpoints.Select(e => e.UserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.IsActive)
            .Select(u => new { u.Id, u.IsAdministrator, u.FullName }).ToListAsync(cancellationToken);
        return users.ToDictionary(u => u.Id, u => new Actor(ActorKind.User, u.Id, u.IsAdministrator, u.FullName));
    }

    /// <summary>
    /// The most specific event of this change the endpoint wants: a converted lead or a reviewed memo
    /// is an update too, and a transfer is one; an endpoint that wants only updates gets them as such.
    /// </summary>
    public static string? EventFor(WebhookEndpoint endpoint, WebhookModule module, string action, JsonObject changes)
    {
        string[] candidates = action switch
        {
            AuditActions.Created or AuditActions.Restored => [WebhookCatalog.Created],
            AuditActions.Deleted => [WebhookCatalog.Deleted],
            AuditActions.Transferred => [WebhookCatalog.Transferred, WebhookCatalog.Updated],
            AuditActions.Updated when Became(changes, "convertedAt") => [WebhookCatalog.Converted, WebhookCatalog.Updated],
            AuditActions.Updated when Became(changes, "reviewedAt") => [WebhookCatalog.Reviewed, WebhookCatalog.Updated],
            AuditActions.Updated => [WebhookCatalog.Updated],
            _ => [],
        };
        var wanted = endpoint.EventList;
        return candidates.FirstOrDefault(c => WebhookCatalog.Has(module, c) && wanted.Contains(c));
    }

    private static bool Became(JsonObject changes, string field) =>
        changes[field] is JsonObject change && change["old"] is null && change["new"] is not null;

    /// <summary>
    /// The record as the actor reads it through the API, with, for an update, the changed fields
    /// whose names the actor's own answer carries (a hidden field is absent from it, so from the changes).
    /// </summary>
    private JsonObject Record(WebhookModule module, int id, object record, JsonObject? changes)
    {
        var node = JsonSerializer.SerializeToNode(record, record.GetType(), json.Value.SerializerOptions) ?? new JsonObject();
        var data = new JsonObject { ["module"] = module.Key, ["id"] = id, ["record"] = node };
        if (changes is not null)
        {
            var visible = VisibleNames(node);
            var shown = new JsonObject();
            foreach (var (field, change) in changes)
            {
                if (visible.Contains(field))
                {
                    shown[field] = change?.DeepClone();
                }
            }

            data["changes"] = shown;
        }

        return data;
    }

    /// <summary>The record through its module's read use case, as the actor may read it (null: not at all): the answer for the payload, the details for the filter.</summary>
    private Task<ReadRecord?> ReadAsync(Actor actor, WebhookModule module, int id, CancellationToken cancellationToken) =>
        ReadableModules.Find(module.Key) is { } readable ? readable.Read(services, actor, id, cancellationToken) : Task.FromResult<ReadRecord?>(null);

    /// <summary>The field names of the answer and of the objects it holds (a task's answer holds the task).</summary>
    private static HashSet<string> VisibleNames(JsonNode node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (node is JsonObject answer)
        {
            foreach (var (name, value) in answer)
            {
                names.Add(name);
                if (value is JsonObject inner)
                {
                    names.UnionWith(inner.Select(p => p.Key));
                }
            }
        }

        return names;
    }

    /// <summary>A deleted record: id and label, if the actor could see it in its last state (owner and department from the trail).</summary>
    private async Task<JsonNode?> DeletedAsync(Actor actor, WebhookModule module, int id, string label, JsonObject state, CancellationToken cancellationToken) =>
        await access.CouldViewDeletedAsync(actor, module.Key, id, state, cancellationToken) ? new JsonObject { ["module"] = module.Key, ["id"] = id, ["label"] = label } : null;
}
