using Crm.Web.Security;

namespace Crm.Web.Features.Audit;

/// <summary>History of a record (anyone who may view it), and the administrators' audit and deleted-objects endpoints.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/{module}/{id:int}/history", async (string module, int id, string? cursor, int? pageSize, HttpContext http, ReadHistory read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), module, id, cursor, pageSize, cancellationToken))
                    .ToHttp(page => TypedResults.Json(HistoryAnswer.Of(page), HistoryJson.Default.HistoryAnswer)))
            .WithTags("History")
            .WithName("GetRecordHistory")
            .WithSummary("Who changed what and when on one record, newest first (pass nextCursor back as cursor); 404 unless you may view the record (administrators: also deleted records).");

        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.Administrator);
        audit.MapGet("", async (string? entityType, string? entityId, Guid? userId, string? action, DateTime? from, DateTime? to, string? search, string? cursor, int? pageSize,
                HttpContext http, ListAudit list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new AuditQuery(entityType, entityId, userId, action, from, to, search, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor })))
            .WithName("ListAuditEntries")
            .WithSummary("The audit trail, newest first: filter by entityType, entityId, userId, action, from/to (UTC), search (label or 'ID 123'); keyset-paged.");
        audit.MapGet("/deleted", async (string? entityType, Guid? userId, DateTime? from, DateTime? to, string? search, string? cursor, int? pageSize,
                HttpContext http, ListAudit list, CancellationToken cancellationToken) =>
                (await list.DeletedAsync(http.Actor(), new AuditQuery(entityType, null, userId, null, from, to, search, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor })))
            .WithName("ListDeletedObjects")
            .WithSummary("Deleted objects with their last state (the deleted entries), newest first; 'restored' tells whether each is back.");
        audit.MapPost("/deleted/{entryId:long}/restore", async (long entryId, HttpContext http, RestoreDeleted restore, CancellationToken cancellationToken) =>
                (await restore.RunAsync(http.Actor(), entryId, cancellationToken)).ToHttp(done => Results.Ok(done)))
            .WithName("RestoreDeletedObject")
            .WithSummary("Re-inserts the object with its id from its last state; 409 with the reason when a reference is missing or it exists again.");

        var retention = api.MapGroup("/settings/retention").WithTags("Settings").RequireAuthorization(Policies.Administrator);
        retention.MapGet("", async (HttpContext http, ReadRetention read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadRetention")
            .WithSummary("Every kind of history entry (by entity type) and activity-log entry (by kind) with its retention period in days; null keeps it forever.");
        retention.MapPut("", async (RetentionRequest body, HttpContext http, SaveRetention save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), body.Periods, cancellationToken)).ToHttp())
            .WithName("SaveRetention")
            .WithSummary("Replaces the retention periods: each {trail: history|activity, kind, keepDays 1–36500}; a kind left out is kept forever.");
        return api;
    }

    /// <summary>The retention periods to set.</summary>
    public sealed record RetentionRequest(IReadOnlyList<RetentionInput>? Periods);
}
