using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// A record's custom field values for the kit (<see cref="IRecordCustomFields"/>). What an actor may
/// see: every field for administrators; for everyone else not the admin-only ones (absent, as if they
/// did not exist: an unknown key either way) nor those a field rule of their role hides; a field rule's
/// read-only refuses a change. The record's history gets one "updated" entry naming each changed field
/// (<c>customFields.key</c>, old → new); changes of admin-only fields are written under the field
/// instead, where only administrators read the trail.
/// </summary>
public sealed class CustomFieldValues(CrmDb db, RecordAccess access, AuditContext audit) : IRecordCustomFields
{
    private sealed record Change(CustomField Field, StoredValue? Value);

    private sealed record Plan(IReadOnlyList<Change> Changes);

    public const string Prefix = "customFields";

    // The module's field definitions, read once per scope (a request, or one import run, where every
    // row's save and read asked for them twice): definitions change only through their own screens,
    // in requests of their own.
    private readonly Dictionary<string, List<CustomField>> _definitions = new(StringComparer.Ordinal);

    /// <summary>The fields of <paramref name="module"/> the actor may see, by position, each with whether they may change it.</summary>
    public async Task<IReadOnlyList<(CustomField Field, bool Editable)>> FieldsAsync(Actor actor, string module, CancellationToken cancellationToken)
    {
        if (!_definitions.TryGetValue(module, out var fields))
        {
            fields = await db.Set<CustomField>().AsNoTracking().Where(f => f.Module == module).OrderBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(cancellationToken);
            _definitions[module] = fields;
        }

        if (fields.Count == 0)
        {
            return [];
        }

        var rules = await access.FieldsAsync(actor, module, cancellationToken);
        return [.. fields.Where(f => (actor.IsAdministrator || !f.AdminOnly) && rules.CanSee(f.Key)).Select(f => (f, rules.CanEdit(f.Key)))];
    }

    public async Task<Result<CustomFieldPlan>> CheckAsync(Actor actor, string moduleKey, int? id, JsonElement body, CancellationToken cancellationToken)
    {
        var module = moduleKey;
        var given = body.ValueKind == JsonValueKind.Object && body.TryGetProperty(Prefix, out var custom) ? custom : (JsonElement?)null;
        if (given is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return Result<CustomFieldPlan>.Invalid(Prefix, "customFields must be an object of field keys and their values.");
        }

        var fields = await FieldsAsync(actor, module, cancellationToken);
        var errors = new FieldErrors();
        var changes = new List<Change>();
        var sent = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (given is { ValueKind: JsonValueKind.Object } values)
        {
            foreach (var property in values.EnumerateObject())
            {
                if (!fields.Any(f => f.Field.Key == property.Name))
                {
                    errors.Add($"{Prefix}.{property.Name}", $"There is no custom field '{Bound(property.Name)}' on {module}.");
                }
                else
                {
                    sent[property.Name] = property.Value;
                }
            }
        }

        var held = id is { } existing
            ? await db.Set<CustomFieldValue>().AsNoTracking().Where(v => v.Module == module && v.RecordId == existing).ToDictionaryAsync(v => v.FieldId, cancellationToken)
            : [];
        foreach (var (field, editable) in fields)
        {
            var name = $"{Prefix}.{field.Key}";
            held.TryGetValue(field.Id, out var current);
            var currentText = current is null ? null : current.TextValue ?? current.LongTextValue;
            StoredValue? value;
            if (sent.TryGetValue(field.Key, out var element))
            {
                var text = element.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => element.GetString(),
                    JsonValueKind.Number => element.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                        string.Join(",", element.EnumerateArray().Select(e => e.GetString())),
                    _ => "\u0001",
                };
                var (read, error) = CustomFieldTypes.Read(field.Type, field.Label, field.ChoiceList, text, allowRetired: text == currentText);
                if (error is not null)
                {
                    errors.Add(name, error);
                    continue;
                }

                value = read;
                if (value?.Shown != currentText && !editable)
                {
                    errors.Add(name, $"Your role may not change {field.Label}.");
                    continue;
                }
            }
            else if (id is null && field.DefaultValue is not null)
            {
                value = CustomFieldTypes.Read(field.Type, field.Label, field.ChoiceList, field.DefaultValue, allowRetired: true).Value;
            }
            else
            {
                continue;
            }

            if (value is null && field.Required && editable)
            {
                errors.Add(name, $"{field.Label} is required.");
                continue;
            }

            if (value?.Shown != currentText)
            {
                changes.Add(new Change(field, value));
            }
        }

        // Required fields the body leaves out: a new record needs them, and so does an edited one that lacks them.
        foreach (var (field, _) in fields.Where(f => f.Field.Required && f.Editable && !sent.ContainsKey(f.Field.Key)))
        {
            var lacking = id is null ? field.DefaultValue is null : !held.ContainsKey(field.Id);
            if (lacking)
            {
                errors.Add($"{Prefix}.{field.Key}", $"{field.Label} is required.");
            }
        }

        return errors.Any ? Result<CustomFieldPlan>.Invalid(errors) : Result<CustomFieldPlan>.Ok(new CustomFieldPlan(changes.Count == 0, new Plan(changes)));
    }

    public async Task WriteAsync(CustomFieldPlan plan, string moduleKey, int recordId, CancellationToken cancellationToken)
    {
        var module = moduleKey;
        if (plan.Changes is not Plan { Changes.Count: > 0 } checkedPlan)
        {
            return;
        }

        var ids = checkedPlan.Changes.Select(c => c.Field.Id).ToList();
        var rows = await db.Set<CustomFieldValue>().Where(v => v.RecordId == recordId && ids.Contains(v.FieldId)).ToDictionaryAsync(v => v.FieldId, cancellationToken);
        var shared = new JsonObject();
        foreach (var (field, value) in checkedPlan.Changes)
        {
            rows.TryGetValue(field.Id, out var row);
            var old = row is null ? null : row.TextValue ?? row.LongTextValue;
            if (value is null)
            {
                if (row is not null)
                {
                    db.Remove(row);
                }
            }
            else
            {
                if (row is null)
                {
                    row = new CustomFieldValue { Module = module, RecordId = recordId, FieldId = field.Id };
                    db.Add(row);
                }

                row.TextValue = value.Text;
                row.LongTextValue = value.LongText;
                row.NumberValue = value.Number;
                row.DateValue = value.Date;
            }

            var change = new JsonObject { ["old"] = old, ["new"] = value?.Shown };
            if (field.AdminOnly)
            {
                audit.Note("custom-field", field.Id.ToString(CultureInfo.InvariantCulture), field.Label, "value-changed",
                    new JsonObject { ["module"] = module, ["recordId"] = recordId, [field.Key] = change });
            }
            else
            {
                shared[$"{Prefix}.{field.Key}"] = change;
            }
        }

        if (shared.Count > 0)
        {
            var type = AuditNames.TypeOfModule(module);
            var label = type is not null && await db.FindAsync(type, [recordId], cancellationToken) is OwnedRecord record ? record.Label : $"{module} {recordId}";
            audit.Note(module, recordId.ToString(CultureInfo.InvariantCulture), label, "updated", shared);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<JsonObject> ReadAsync(Actor actor, string moduleKey, int recordId, CancellationToken cancellationToken) =>
        (await ReadManyAsync(actor, moduleKey, [recordId], cancellationToken))[recordId];

    public async Task<IReadOnlyDictionary<int, JsonObject>> ReadManyAsync(Actor actor, string moduleKey, IReadOnlyCollection<int> recordIds, CancellationToken cancellationToken)
    {
        var fields = await FieldsAsync(actor, moduleKey, cancellationToken);
        var fieldIds = fields.Select(f => f.Field.Id).ToList();
        var rows = fields.Count == 0 || recordIds.Count == 0 ? [] : await db.Set<CustomFieldValue>().AsNoTracking()
            .Where(v => v.Module == moduleKey && recordIds.Contains(v.RecordId) && fieldIds.Contains(v.FieldId))
            .Select(v => new { v.RecordId, v.FieldId, Value = v.TextValue ?? v.LongTextValue })
            .ToListAsync(cancellationToken);
        var held = rows.ToLookup(r => r.RecordId);
        var answers = new Dictionary<int, JsonObject>();
        foreach (var id in recordIds.Distinct())
        {
            // Every field the actor may see is named; null when the record has no value.
            var values = held[id].ToDictionary(r => r.FieldId, r => r.Value);
            var answer = new JsonObject();
            foreach (var (field, _) in fields)
            {
                answer[field.Key] = values.GetValueOrDefault(field.Id);
            }

            answers[id] = answer;
        }

        return answers;
    }

    public async Task<Result<CustomFieldPlan>> CheckFormAsync(Actor actor, string moduleKey, int? id, IFormCollection form, CancellationToken cancellationToken)
    {
        // The fields the form carries, as the API's body would give them; a disabled (read-only) input posts nothing and is kept.
        var given = new JsonObject();
        foreach (var (field, _) in await FieldsAsync(actor, moduleKey, cancellationToken))
        {
            if (form.TryGetValue($"{Prefix}.{field.Key}", out var posted))
            {
                given[field.Key] = FormText(field, posted);
            }
        }

        var body = JsonSerializer.SerializeToElement(new JsonObject { [Prefix] = given });
        return await CheckAsync(actor, moduleKey, id, body, cancellationToken);
    }

    public async Task<IReadOnlyList<CustomFieldEntry>> EntriesAsync(Actor actor, string moduleKey, int? recordId, IFormCollection? posted, CancellationToken cancellationToken)
    {
        var fields = await FieldsAsync(actor, moduleKey, cancellationToken);
        if (fields.Count == 0)
        {
            return [];
        }

        var values = recordId is { } id
            ? await db.Set<CustomFieldValue>().AsNoTracking().Where(v => v.Module == moduleKey && v.RecordId == id)
                .ToDictionaryAsync(v => v.FieldId, v => v.TextValue ?? v.LongTextValue, cancellationToken)
            : fields.ToDictionary(f => f.Field.Id, f => f.Field.DefaultValue);
        return
        [
            .. fields.Select(f =>
            {
                var value = values.GetValueOrDefault(f.Field.Id);
                if (f.Editable && posted is not null && posted.TryGetValue($"{Prefix}.{f.Field.Key}", out var typed))
                {
                    value = FormText(f.Field, typed);
                }

                var held = value?.Split(',', StringSplitOptions.TrimEntries) ?? [];
                var choices = f.Field.ChoiceList.Where(c => !c.Retired || held.Contains(c.Value, StringComparer.OrdinalIgnoreCase)).Select(c => c.Value).ToList();
                return new CustomFieldEntry(f.Field.Key, f.Field.Label, f.Field.Type, value, f.Field.Required, f.Editable,
                    f.Field.Width == CustomFieldWidths.Full, f.Field.HelpText, choices);
            }),
        ];
    }

    public async Task<IReadOnlyDictionary<int, Dictionary<string, string?>>> ValuesAsync(Actor actor, string moduleKey, IReadOnlyCollection<int> recordIds, CancellationToken cancellationToken)
    {
        var fields = (await FieldsAsync(actor, moduleKey, cancellationToken)).ToDictionary(f => f.Field.Id, f => f.Field.Key);
        if (fields.Count == 0 || recordIds.Count == 0)
        {
            return new Dictionary<int, Dictionary<string, string?>>();
        }

        var fieldIds = fields.Keys.ToList();
        var rows = await db.Set<CustomFieldValue>().AsNoTracking()
            .Where(v => v.Module == moduleKey && recordIds.Contains(v.RecordId) && fieldIds.Contains(v.FieldId))
            .Select(v => new { v.RecordId, v.FieldId, Value = v.TextValue ?? v.LongTextValue })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.RecordId).ToDictionary(g => g.Key, g => g.ToDictionary(r => fields[r.FieldId], r => r.Value));
    }

    public async Task<Result<IReadOnlyList<CustomFieldCondition>>> FilterAsync(
        Actor actor, string moduleKey, IReadOnlyList<KeyValuePair<string, string>> given, CancellationToken cancellationToken)
    {
        var fields = (await FieldsAsync(actor, moduleKey, cancellationToken)).Select(f => f.Field).ToDictionary(f => f.Key, StringComparer.OrdinalIgnoreCase);
        var errors = new FieldErrors();
        var conditions = new List<CustomFieldCondition>();
        foreach (var (key, text) in given)
        {
            var name = CustomFieldListFilters.Prefix + key;
            if (!fields.TryGetValue(key, out var field))
            {
                // Unknown, admin-only and hidden alike: the message does not tell them apart.
                errors.Add(name, $"There is no custom field \"{Bound(key)}\" you can filter {moduleKey} on.");
                continue;
            }

            if (field.Type == CustomFieldTypes.Textarea)
            {
                errors.Add(name, $"{field.Label} is long text and cannot be used as a filter.");
                continue;
            }

            var (value, error) = CustomFieldTypes.Read(field.Type, field.Label, field.ChoiceList, text, allowRetired: true);
            if (value is null)
            {
                errors.Add(name, error ?? $"{field.Label}: give a value to filter on.");
                continue;
            }

            var id = field.Id;
            var values = db.Set<CustomFieldValue>().AsNoTracking().Where(v => v.FieldId == id);
            conditions.Add(field.Type switch
            {
                CustomFieldTypes.Number or CustomFieldTypes.Money when value.Number is { } number =>
                    new CustomFieldCondition(values.Where(v => v.NumberValue == number).Select(v => v.RecordId)),
                CustomFieldTypes.Date or CustomFieldTypes.DateTime when value.Date is { } date =>
                    new CustomFieldCondition(values.Where(v => v.DateValue == date).Select(v => v.RecordId)),
                // "No" is a record without a tick: unticked or never given.
                CustomFieldTypes.Checkbox when value.Text == "false" =>
                    new CustomFieldCondition(values.Where(v => v.TextValue == "true").Select(v => v.RecordId), Without: true),
                // One choice among those held (stored as "a, b, c" in the choices' order): not indexed (ADR 0034).
                CustomFieldTypes.MultiSelect when value.Text is { } chosen =>
                    new CustomFieldCondition(values.Where(v => (", " + v.TextValue + ", ").Contains(", " + chosen + ", ")).Select(v => v.RecordId)),
                _ => new CustomFieldCondition(values.Where(v => v.TextValue == value.Text).Select(v => v.RecordId)),
            });
        }

        return errors.Any ? Result<IReadOnlyList<CustomFieldCondition>>.Invalid(errors) : Result<IReadOnlyList<CustomFieldCondition>>.Ok(conditions);
    }

    public async Task<Result<CustomFieldSort>> SortAsync(Actor actor, string moduleKey, string key, bool descending, CancellationToken cancellationToken)
    {
        var field = (await FieldsAsync(actor, moduleKey, cancellationToken)).Select(f => f.Field)
            .FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase));
        if (field is null)
        {
            // Unknown, admin-only and hidden alike, as for a filter.
            return Result<CustomFieldSort>.Invalid("sort", $"There is no custom field \"{Bound(key)}\" you can sort {moduleKey} by.");
        }

        if (field.Type == CustomFieldTypes.Textarea)
        {
            return Result<CustomFieldSort>.Invalid("sort", $"{field.Label} is long text and cannot be used to sort the list.");
        }

        // Each record's value through the (FieldId, RecordId) index; numbers and instants by their typed column, the rest by its text.
        var id = field.Id;
        var values = db.Set<CustomFieldValue>().AsNoTracking().Where(v => v.FieldId == id);
        var name = (descending ? CustomFieldSort.DescendingMark : "") + CustomFieldListFilters.Prefix + field.Key;
        switch (field.Type)
        {
            case CustomFieldTypes.Number or CustomFieldTypes.Money:
                Expression<Func<int, double?>> number = r => values.Where(v => v.RecordId == r).Select(v => v.NumberValue).FirstOrDefault();
                return Result<CustomFieldSort>.Ok(new CustomFieldSort(name, descending, number, async (ids, ct) =>
                    await values.Where(v => ids.Contains(v.RecordId) && v.NumberValue != null).ToDictionaryAsync(v => v.RecordId, v => (object)v.NumberValue!.Value, ct)));
            case CustomFieldTypes.Date or CustomFieldTypes.DateTime:
                Expression<Func<int, DateTime?>> instant = r => values.Where(v => v.RecordId == r).Select(v => v.DateValue).FirstOrDefault();
                return Result<CustomFieldSort>.Ok(new CustomFieldSort(name, descending, instant, async (ids, ct) =>
                    await values.Where(v => ids.Contains(v.RecordId) && v.DateValue != null)
                        .ToDictionaryAsync(v => v.RecordId, v => (object)DateTime.SpecifyKind(v.DateValue!.Value, DateTimeKind.Utc), ct)));
            default:
                Expression<Func<int, string?>> text = r => values.Where(v => v.RecordId == r).Select(v => v.TextValue).FirstOrDefault();
                return Result<CustomFieldSort>.Ok(new CustomFieldSort(name, descending, text, async (ids, ct) =>
                    await values.Where(v => ids.Contains(v.RecordId) && v.TextValue != null).ToDictionaryAsync(v => v.RecordId, v => (object)v.TextValue!, ct)));
        }
    }

    /// <summary>
    /// A posted input's text: a checkbox posts a hidden "false" and, when ticked, "true"; a
    /// multi-select its chosen values (after a hidden empty one, so choosing none still says so).
    /// </summary>
    private static string? FormText(CustomField field, Microsoft.Extensions.Primitives.StringValues posted) => field.Type switch
    {
        CustomFieldTypes.Checkbox => posted.Contains("true") ? "true" : "false",
        CustomFieldTypes.MultiSelect => string.Join(", ", posted.Where(v => !string.IsNullOrWhiteSpace(v))),
        _ => posted.LastOrDefault(),
    };

    private static string Bound(string text) => text.Length <= 50 ? text : text[..49] + "…";
}
