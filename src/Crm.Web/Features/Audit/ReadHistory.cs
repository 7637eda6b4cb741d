using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

public sealed record FieldChange(string Field, string? Old, string? New);

public sealed record HistoryItem(
    long Id, DateTime At, string When, string Action, string ActorKind, string ActorName, string? ApiTokenName, string? IpAddress,
    string Label, IReadOnlyList<FieldChange> Changes, int HiddenFields);

public sealed record HistoryPage(string Module, int Id, string Label, bool Deleted, string? Url, IReadOnlyList<HistoryItem> Items, string? NextCursor);

/// <summary>
/// The history of one CRM record, newest first, keyset-paged by entry id: who changed what and
/// when, field by field. Only for those who may view the record now (else 404, like every path
/// to it); a deleted record's history for administrators. Fields the actor's role hides stay
/// hidden here too; owner and other user ids are shown as names.
/// </summary>
public sealed class ReadHistory(CrmDb db, RecordLookups lookups, RecordAccess access)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public async Task<Result<HistoryPage>> RunAsync(Actor actor, string module, int id, string? cursor, int? pageSize, CancellationToken cancellationToken)
    {
        if (lookups.Of(module) is null)
        {
            return Result<HistoryPage>.NotFound();
        }

        if (!AuditNames.KnowsModules)
        {
            AuditNames.LearnModules(lookups.All);
        }

        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                return Result<HistoryPage>.Invalid("cursor", "The cursor is not one this list gave out.");
            }

            before = parsed;
        }

        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return Result<HistoryPage>.Invalid("pageSize", $"Page size must be between 1 and {MaxPageSize}.");
        }

        var key = id.ToString(CultureInfo.InvariantCulture);
        var query = db.AuditEntries.AsNoTracking().Where(e => e.EntityType == module && e.EntityId == key);
        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        // The record's label if the reader may view it rides along with the entries, so opening a
        // history is one statement: the databases evaluate the uncorrelated sub-select once. Only
        // what the page shows: the seal, the digest and the request's details stay in the database.
        var lookup = lookups.Of(module)!;
        var visibleLabel = await lookup.VisibleLabelAsync(actor, id, cancellationToken);
        var read = visibleLabel is null
            ? await query.OrderByDescending(e => e.Id).Take(size + 1)
                .Select(e => new Entry(e.Id, e.At, e.Action, e.ActorKind, e.ActorName, e.ApiTokenName, e.IpAddress, e.Label, e.Changes, null))
                .ToListAsync(cancellationToken)
            : await query.OrderByDescending(e => e.Id).Take(size + 1)
                .Select(e => new Entry(e.Id, e.At, e.Action, e.ActorKind, e.ActorName, e.ApiTokenName, e.IpAddress, e.Label, e.Changes,
                    visibleLabel.FirstOrDefault()))
                .ToListAsync(cancellationToken);

        // No entry on this page to carry the label (a page past the end, a history retention
        // emptied), or a module that decides visibility outside SQL: ask the module itself.
        var link = read.Count > 0 && read[0].Visible is { } visible ? new RecordLink(module, id, visible, lookup.PageOf(id))
            : read.Count == 0 || visibleLabel is null ? await lookup.FindAsync(actor, id, cancellationToken)
            : null;
        string label;
        if (link is not null)
        {
            label = link.Label;
        }
        else
        {
            // Gone or invisible: only an administrator reads a deleted record's history.
            var last = actor.IsAdministrator
                ? await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == module && e.EntityId == key)
                    .OrderByDescending(e => e.Id).Select(e => new { e.Label, e.Action }).FirstOrDefaultAsync(cancellationToken)
                : null;
            if (last is null || await RecordExistsAsync(module, id, cancellationToken))
            {
                return Result<HistoryPage>.NotFound();
            }

            label = last.Label;
        }

        var more = read.Count > size;
        var rows = read.Take(size).Select(e => new Row(e.Id, e.At, e.Action, e.ActorKind, e.ActorName, e.ApiTokenName, e.IpAddress, e.Label,
            JsonNode.Parse(e.Changes) as JsonObject ?? [])).ToList();
        var fields = await access.FieldsAsync(actor, module, cancellationToken);
        var names = await UserNamesAsync(rows, cancellationToken);
        var items = rows.Select(e => Item(e, fields.CanSee, names)).ToList();
        return Result<HistoryPage>.Ok(new HistoryPage(module, id, label, link is null, link?.Url, items,
            more ? rows[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }

    /// <summary>An entry as the database gives it, with the record's label when the reader may view the record.</summary>
    private sealed record Entry(long Id, DateTime At, string Action, string ActorKind, string ActorName, string? ApiTokenName, string? IpAddress,
        string Label, string Changes, string? Visible);

    /// <summary>An entry as the page reads it, its changes parsed once for both the names and the fields.</summary>
    private sealed record Row(long Id, DateTime At, string Action, string ActorKind, string ActorName, string? ApiTokenName, string? IpAddress,
        string Label, JsonObject Changes);

    /// <summary>Whether the record still exists (then an invisible one stays a 404, even for history).</summary>
    private async Task<bool> RecordExistsAsync(string module, int id, CancellationToken cancellationToken)
    {
        if (AuditNames.TypeOfModule(module) is not { } type)
        {
            return false;
        }

        var entity = await db.FindAsync(type, [id], cancellationToken);
        if (entity is not null)
        {
            db.Entry(entity).State = EntityState.Detached;
        }

        return entity is not null;
    }

    private static readonly HashSet<string> s_stamps = ["id", "createdAt", "createdById", "modifiedAt", "modifiedById", "version"];

    private static HistoryItem Item(Row e, Func<string, bool> canSee, IReadOnlyDictionary<string, string> names)
    {
        var changes = new List<FieldChange>();
        var hidden = 0;
        foreach (var (field, value) in e.Changes)
        {
            // A created, restored or deleted state repeats the id and stamps the row already shows.
            if (field.StartsWith('$') || (e.Action != AuditActions.Updated && e.Action != AuditActions.Transferred && s_stamps.Contains(field)))
            {
                continue;
            }

            if (!canSee(field))
            {
                hidden++;
                continue;
            }

            changes.Add(new FieldChange(field, Show(value?["old"], names), Show(value?["new"], names)));
        }

        return new HistoryItem(e.Id, e.At, AuditTime.Format(e.At), e.Action, e.ActorKind, e.ActorName, e.ApiTokenName, e.IpAddress, e.Label, changes, hidden);
    }

    private static string? Show(JsonNode? value, IReadOnlyDictionary<string, string> names)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.ToString();
        return names.TryGetValue(text, out var name) ? name : text;
    }

    /// <summary>Names of the users the page's values mention (owners, creators), so history reads "Ana Pop", not a GUID.</summary>
    private async Task<IReadOnlyDictionary<string, string>> UserNamesAsync(List<Row> rows, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        foreach (var row in rows)
        {
            foreach (var (_, value) in row.Changes)
            {
                foreach (var side in new[] { value?["old"], value?["new"] })
                {
                    if (side is JsonValue v && v.TryGetValue<string>(out var text) && Guid.TryParse(text, out var guid))
                    {
                        ids.Add(guid);
                    }
                }
            }
        }

        if (ids.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.FullName, u.Email }).ToListAsync(cancellationToken);
        return users.ToDictionary(u => u.Id.ToString(), u => string.IsNullOrWhiteSpace(u.FullName) ? u.Email ?? u.Id.ToString() : u.FullName);
    }
}
