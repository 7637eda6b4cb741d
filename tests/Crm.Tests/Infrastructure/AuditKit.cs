using System.Text.Json.Nodes;
using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Infrastructure;

public static class AuditKit
{
    public static Task<long> MarkAsync(CrmApp app) =>
        app.InDatabaseAsync(async db => await db.AuditEntries.MaxAsync(e => (long?)e.Id) ?? 0);

    /// <summary>Seals every committed entry now, as the sealer would within a moment.</summary>
    public static Task<int> SealAsync(CrmApp app) =>
        app.InDatabaseAsync(db => AuditChain.SealAsync(db, CancellationToken.None));

    public static Task<List<AuditEntry>> SinceAsync(CrmApp app, long mark) =>
        app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Id > mark).OrderBy(e => e.Id).ToListAsync());

    /// <summary>The one entry of this type, id and action among <paramref name="entries"/>.</summary>
    public static AuditEntry One(List<AuditEntry> entries, string type, string action, string? id = null)
    {
        var found = entries.Where(e => e.EntityType == type && e.Action == action && (id is null || e.EntityId == id)).ToList();
        Assert.True(found.Count == 1,
            $"Expected one '{action}' entry of {type} {id}, found {found.Count} among: " + string.Join("; ", entries.Select(e => $"{e.EntityType}/{e.EntityId}/{e.Action}")));
        return found[0];
    }

    public static JsonObject Changes(AuditEntry entry) => (JsonObject)JsonNode.Parse(entry.Changes)!;

    public static string? Old(AuditEntry entry, string field) => Side(entry, field, "old");

    public static string? New(AuditEntry entry, string field) => Side(entry, field, "new");

    private static string? Side(AuditEntry entry, string field, string side)
    {
        var changes = Changes(entry);
        Assert.True(changes.ContainsKey(field), $"Entry {entry.Id} ({entry.EntityType} {entry.Action}) has no change of '{field}': {entry.Changes}");
        return changes[field]![side]?.ToString();
    }
}
