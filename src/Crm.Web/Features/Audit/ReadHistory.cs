using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

public sealed record FieldChange(string Field, string? Old, string? New);

public sealed record HistoryItem(
    long Id, DateTime At, string When, string Action, string ActorKind, string ActorName, string? ApiTokenName, string? IpAddress,
    string Label, IReadOnlyList<FieldChange> Changes, int HiddenFields);

public sealed record HistoryPage(string Module, int Id, string Label, bool Deleted, string? Url, IReadOnlyList<HistoryItem> Items, string? NextCursor);

/// <summary>A history page as the API answers it.</summary>
public sealed record HistoryAnswer(string Label, bool Deleted, IReadOnlyList<HistoryItem> Items, string? NextCursor)
{
    public static HistoryAnswer Of(HistoryPage page) => new(page.Label, page.Deleted, page.Items, page.NextCursor);
}

/// <summary>
/// The history answer's JSON written by code generated at build time, with the web defaults every
/// other answer uses: a page holds up to 200 entries with their changes, and the reflection-based
/// writer spent about a tenth of a history request's CPU on them.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HistoryAnswer))]
public sealed partial class HistoryJson : JsonSerializerContext;

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
        if (lookups.Of(module) is not { } lookup)
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

        // The record's label if the reader may view it rides along with the entries, so opening a
        // history is one statement. Only what the page shows: the seal, the digest and the
        // request's details stay in the database.
        var key = id.ToString(CultureInfo.InvariantCulture);
        // The module's entries, with those written under a former name of it (the chain keeps them as written).
        var writtenAs = AuditNames.WrittenNames(module);
        var visibleLabel = await lookup.VisibleLabelAsync(actor, id, cancellationToken);
        List<Entry> read;
        if (visibleLabel is null)
        {
            var query = db.AuditEntries.AsNoTracking().Where(e => writtenAs.Contains(e.EntityType) && e.EntityId == key);
            if (before is { } b)
            {
                query = query.Where(e => e.Id < b);
            }

            read = await query.OrderByDescending(e => e.Id).Take(size + 1)
                .Select(e => new Entry(e.Id, e.At, e.Action, e.ActorKind, e.ActorName, e.ApiTokenName, e.IpAddress, e.Label, e.Changes, null))
                .ToListAsync(cancellationToken);
        }
        else
        {
            read = await ReadWithLabelAsync(writtenAs, key, before, size + 1, visibleLabel, cancellationToken);
        }

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
                ? await db.AuditEntries.AsNoTracking().Where(e => writtenAs.Contains(e.EntityType) && e.EntityId == key)
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
            ParseChanges(e.Changes))).ToList();
        var fields = await access.FieldsAsync(actor, module, cancellationToken);
        var names = await UserNamesAsync(rows, cancellationToken);
        var links = LinkedValues(rows, lookup.LinkFields);
        var visibleLinks = links.Count == 0 ? new HashSet<(string, int)>()
            : await lookups.VisibleAsync(actor, links.Values.Select(l => ((string?)l.Module, (int?)l.Id)), cancellationToken);
        string? Shown(long entry, string field, bool old, string? value) =>
            value is not null && links.TryGetValue((entry, field, old), out var link) && !visibleLinks.Contains(link) ? HiddenValue : value;
        var items = rows.Select(e => Item(e, fields.CanSee, names, Shown)).ToList();
        return Result<HistoryPage>.Ok(new HistoryPage(module, id, label, link is null, link?.Url, items,
            more ? rows[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }

    /// <summary>
    /// The entries with the label of the record when the reader may view it, read with SQL written
    /// here around the module's own label query (its row filter, as EF Core writes it), as an
    /// uncorrelated sub-select the databases evaluate once. Written by hand because this is the
    /// read with a target against raw SQL (bench/audit-write.sh): materialising 51 rows through EF
    /// Core's query pipeline cost about as much as the query itself. The columns are plain, the SQL
    /// is the same on both providers, and both run it in the history tests.
    /// </summary>
    private async Task<List<Entry>> ReadWithLabelAsync(IReadOnlyList<string> names, string key, long? before, int take, IQueryable<string> visibleLabel,
        CancellationToken cancellationToken)
    {
        await using var command = visibleLabel.CreateDbCommand();
        command.CommandText = $"""
            SELECT "Id", "At", "Action", "ActorKind", "ActorName", "ApiTokenName", "IpAddress", "Label", "Changes", ({command.CommandText}) AS "Visible"
            FROM "AuditEntries"
            WHERE "EntityType" {(names.Count == 1 ? "= @history_module0" : $"IN ({string.Join(", ", names.Select((_, i) => $"@history_module{i}"))})")} AND "EntityId" = @history_id{(before is null ? "" : " AND \"Id\" < @history_before")}
            ORDER BY "Id" DESC
            LIMIT @history_take
            """;
        for (var i = 0; i < names.Count; i++)
        {
            command.AddParameter($"@history_module{i}", names[i]);
        }

        command.AddParameter("@history_id", key);
        command.AddParameter("@history_take", take);
        if (before is { } b)
        {
            command.AddParameter("@history_before", b);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var entries = new List<Entry>(take);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new Entry(reader.GetInt64(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc), reader.GetString(2),
                    reader.GetString(3), reader.GetString(4), NullableText(reader, 5), NullableText(reader, 6), reader.GetString(7), reader.GetString(8),
                    NullableText(reader, 9)));
            }

            return entries;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string? NullableText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>An entry as the database gives it, with the record's label when the reader may view the record.</summary>
    private sealed record Entry(long Id, DateTime At, string Action, string ActorKind, string ActorName, string? ApiTokenName, string? IpAddress,
        string Label, string Changes, string? Visible);

    /// <summary>An entry as the page reads it, its changes parsed once for both the names and the fields.</summary>
    private sealed record Row(long Id, DateTime At, string Action, string ActorKind, string ActorName, string? ApiTokenName, string? IpAddress,
        string Label, IReadOnlyList<StoredChange> Changes);

    /// <summary>
    /// One field of an entry's changes as stored: its old and new values as the page shows them (a
    /// JSON string unquoted, a number or boolean as written, an object or list as indented JSON),
    /// and whether each was a JSON string, the only kind that can hold a user's id.
    /// </summary>
    private readonly record struct StoredChange(string Field, string? Old, string? New, bool OldIsText, bool NewIsText);

    // The stored changes are {"field": {"old": ..., "new": ...}}; a read-only document is parsed
    // without building a mutable tree, and each value is turned into text once.
    private static List<StoredChange> ParseChanges(string json)
    {
        using var document = JsonDocument.Parse(json);
        var changes = new List<StoredChange>();
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return changes;
        }

        foreach (var field in document.RootElement.EnumerateObject())
        {
            JsonElement old = default, @new = default;
            if (field.Value.ValueKind == JsonValueKind.Object)
            {
                field.Value.TryGetProperty("old", out old);
                field.Value.TryGetProperty("new", out @new);
            }

            changes.Add(new StoredChange(field.Name, Text(old), Text(@new), old.ValueKind == JsonValueKind.String, @new.ValueKind == JsonValueKind.String));
        }

        return changes;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object or JsonValueKind.Array => JsonNode.Parse(value.GetRawText())!.ToString(),
        _ => value.GetRawText(),
    };

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

    /// <summary>How a linked record's id reads in a history the reader may not see that record in.</summary>
    public const string HiddenValue = "(hidden)";

    /// <summary>
    /// The linked records the page's values name: for each entry, link field and side (old or new),
    /// the module and id. A link whose module is another field (a task's related record) takes that
    /// field's value at the time from the entry itself or the nearest older entry on the page; a
    /// link whose module cannot be told is kept with an unknown module, so it is shown as hidden.
    /// </summary>
    private static Dictionary<(long Entry, string Field, bool Old), (string Module, int Id)> LinkedValues(List<Row> rows, IReadOnlyList<LinkField> linkFields)
    {
        var links = new Dictionary<(long, string, bool), (string, int)>();
        if (linkFields.Count == 0)
        {
            return links;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var change in rows[i].Changes)
            {
                if (linkFields.FirstOrDefault(f => f.Field == change.Field) is not { } link)
                {
                    continue;
                }

                foreach (var (old, value) in new[] { (true, change.Old), (false, change.New) })
                {
                    if (value is null || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    {
                        continue;
                    }

                    var linkedModule = link.Module ?? ModuleAt(rows, i, link.ModuleField!, old) ?? "";
                    links[(rows[i].Id, change.Field, old)] = (linkedModule, id);
                }
            }
        }

        return links;
    }

    /// <summary>The value of <paramref name="field"/> at entry <paramref name="index"/> (before it when <paramref name="old"/>), from the page's entries.</summary>
    private static string? ModuleAt(List<Row> rows, int index, string field, bool old)
    {
        var own = rows[index].Changes.FirstOrDefault(c => c.Field == field);
        if (own.Field is not null)
        {
            return old ? own.Old : own.New;
        }

        // Unchanged by this entry: its value is the newest one an older entry on the page set.
        for (var i = index + 1; i < rows.Count; i++)
        {
            var earlier = rows[i].Changes.FirstOrDefault(c => c.Field == field);
            if (earlier.Field is not null)
            {
                return earlier.New;
            }
        }

        return null;
    }

    private static readonly HashSet<string> s_stamps = ["id", "createdAt", "createdById", "modifiedAt", "modifiedById", "version"];

    private static HistoryItem Item(Row e, Func<string, bool> canSee, IReadOnlyDictionary<string, string> names, Func<long, string, bool, string?, string?> shown)
    {
        var changes = new List<FieldChange>();
        var hidden = 0;
        foreach (var (field, old, @new, _, _) in e.Changes)
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

            changes.Add(new FieldChange(field, Show(shown(e.Id, field, true, old), names), Show(shown(e.Id, field, false, @new), names)));
        }

        return new HistoryItem(e.Id, e.At, AuditTime.Format(e.At), e.Action, e.ActorKind, e.ActorName, e.ApiTokenName, e.IpAddress, e.Label, changes, hidden);
    }

    private static string? Show(string? value, IReadOnlyDictionary<string, string> names) =>
        value is not null && names.TryGetValue(value, out var name) ? name : value;

    /// <summary>Names of the users the page's values mention (owners, creators), so history reads "Ana Pop", not a GUID.</summary>
    private async Task<IReadOnlyDictionary<string, string>> UserNamesAsync(List<Row> rows, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        foreach (var row in rows)
        {
            foreach (var change in row.Changes)
            {
                if (change.OldIsText && Guid.TryParse(change.Old, out var old))
                {
                    ids.Add(old);
                }

                if (change.NewIsText && Guid.TryParse(change.New, out var @new))
                {
                    ids.Add(@new);
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
