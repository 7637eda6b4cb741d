using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>What a column of an import file can hold, so a cell is read into the right JSON value before the save sees it.</summary>
public enum ImportValueKind
{
    Text,
    WholeNumber,
    Date,
    Boolean,

    /// <summary>A user, written as their email address (the owner).</summary>
    User,

    /// <summary>Several users, email addresses separated by commas or semicolons (a task's responsible people).</summary>
    Users,
}

/// <summary>One field a column can be mapped to: the save input's property (camelCase, as the API names it) and how forms label it.</summary>
public sealed record ImportField(string Key, string Label, ImportValueKind Kind)
{
    /// <summary>The values a choice field takes (a lead's status); null for a free field.</summary>
    public IReadOnlyList<string>? Choices { get; init; }
}

/// <summary>What one row's save gave: the record and its values (in the save input's terms, with its version), or why it was refused, per field.</summary>
public sealed record ImportSaveResult(int Id, JsonObject Values);

/// <summary>
/// A module as the import drives it (issue 26): its fields, the keys an update can match on, and its
/// own save, read and delete use cases. Every row goes through the module's save, so an import checks
/// exactly what a form or the API checks (required fields, lengths, choices, linked records,
/// permissions, the owner rule); nothing here knows a module's rules. Registered once per module with
/// <see cref="RecordImportRegistration.AddRecordImport"/>.
/// </summary>
public interface IRecordImport
{
    ModuleDefinition Definition { get; }

    IReadOnlyList<ImportField> Fields { get; }

    /// <summary>Besides the record ID, the fields an update may match records on ("email", "code").</summary>
    IReadOnlyList<string> MatchKeys { get; }

    /// <summary>
    /// Whether an import may stage this module's new records and write them many at a time (<see cref="StagedCreates"/>):
    /// true only when its save reads nothing of a new record back from the database after saving it.
    /// </summary>
    bool StagesCreates { get; }

    /// <summary>The IDs of records whose <paramref name="key"/> holds one of <paramref name="values"/> (exactly, or in lower case), with the value; visibility is the caller's.</summary>
    Task<IReadOnlyList<(int Id, string Value)>> FindAsync(CrmDb db, string key, IReadOnlyCollection<string> values, CancellationToken cancellationToken);

    /// <summary>
    /// Saves one row: a new record (<paramref name="id"/> null) or the fields <paramref name="values"/> names of record <paramref name="id"/>.
    /// With <paramref name="customValuesLater"/> a new record's custom values are not read back: the caller reads
    /// those of many records at once with <see cref="CustomValuesAsync"/> (an import; ADR 0053).
    /// </summary>
    Task<Result<ImportSaveResult>> SaveAsync(IServiceProvider services, Actor actor, int? id, JsonObject values, CancellationToken cancellationToken, bool customValuesLater = false);

    /// <summary>The custom values the actor may see of each of <paramref name="ids"/>, as "customFields.key" (every ID has its object), in one query.</summary>
    Task<IReadOnlyDictionary<int, JsonObject>> CustomValuesAsync(IServiceProvider services, Actor actor, IReadOnlyCollection<int> ids, CancellationToken cancellationToken);

    /// <summary>The record's values as the save input names them (with <c>version</c>), or null when it is gone or the actor may not view it.</summary>
    Task<JsonObject?> ReadAsync(IServiceProvider services, Actor actor, int id, CancellationToken cancellationToken);

    /// <summary>Deletes a record the import created, unless something now hangs on it: null when deleted, else the reason it was not.</summary>
    Task<string?> DeleteAsync(IServiceProvider services, Actor actor, int id, CancellationToken cancellationToken);
}

public static class RecordImportRegistration
{
    /// <summary>
    /// Makes a module importable: <typeparamref name="TSave"/> saves each row (with <typeparamref name="TInput"/>
    /// read from the row as the API reads a body), <paramref name="inputOf"/> turns a read record back into
    /// input values (for the dry run's old → new and for undo; by default each input property from the
    /// record's property of the same name, as the edit form is filled: <see cref="RecordInputs"/>),
    /// <typeparamref name="TDelete"/> undoes a created record. <paramref name="matchKeys"/> name fields of
    /// <typeparamref name="TRecord"/> an update may match on; <paramref name="choices"/> give the values of
    /// choice fields, for the template. <paramref name="stagesCreates"/>: false for a module whose save reads a
    /// new record back from the database, which an import then writes one by one (<see cref="StagedCreates"/>).
    /// </summary>
    public static IServiceCollection AddRecordImport<TRecord, TSave, TInput, TFields, TDetails, TDelete, TImpact>(
        this IServiceCollection services, ModuleDefinition module, string[] matchKeys,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? choices = null, Func<TDetails, TInput>? inputOf = null, bool stagesCreates = true)
        where TRecord : OwnedRecord
        where TSave : class, ISaveRecord<TInput, TFields, TDetails>
        where TInput : class, new()
        where TFields : struct, Enum
        where TDetails : class, IRecordDetails
        where TDelete : class, IRecordDeletion<TImpact>
        where TImpact : class, IDeleteImpact =>
        services.AddSingleton<IRecordImport>(new RecordImport<TRecord, TSave, TInput, TFields, TDetails, TDelete, TImpact>(
            module, inputOf ?? RecordInputs.From<TInput, TDetails>, matchKeys, choices ?? new Dictionary<string, IReadOnlyList<string>>(), stagesCreates));
}

internal sealed class RecordImport<TRecord, TSave, TInput, TFields, TDetails, TDelete, TImpact>(
    ModuleDefinition module, Func<TDetails, TInput> inputOf, string[] matchKeys, IReadOnlyDictionary<string, IReadOnlyList<string>> choices, bool stagesCreates)
    : IRecordImport
    where TRecord : OwnedRecord
    where TSave : class, ISaveRecord<TInput, TFields, TDetails>
    where TInput : class
    where TFields : struct, Enum
    where TDetails : class, IRecordDetails
    where TDelete : class, IRecordDeletion<TImpact>
    where TImpact : class, IDeleteImpact
{
    // The API's own JSON conventions: the row is read exactly as a PATCH body would be.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string[] _keyProperties = matchKeys.Select(k => typeof(TRecord).GetProperty(k, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.Name
        ?? throw new InvalidOperationException($"{typeof(TRecord).Name} has no property '{k}' to match imports on.")).ToArray();

    public ModuleDefinition Definition { get; } = module;

    public IReadOnlyList<ImportField> Fields { get; } = typeof(TInput).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.Name != "Version")
        .Select(p => new ImportField(JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.GetCustomAttribute<DisplayAttribute>()?.Name ?? RecordFields.LabelOf(p.Name), KindOf(p))
        {
            Choices = choices.GetValueOrDefault(JsonNamingPolicy.CamelCase.ConvertName(p.Name)),
        })
        .ToList();

    public IReadOnlyList<string> MatchKeys { get; } = matchKeys.Select(JsonNamingPolicy.CamelCase.ConvertName).ToList();

    public bool StagesCreates { get; } = stagesCreates;

    public async Task<IReadOnlyList<(int Id, string Value)>> FindAsync(CrmDb db, string key, IReadOnlyCollection<string> values, CancellationToken cancellationToken)
    {
        var property = _keyProperties[MatchKeys.ToList().IndexOf(key)];
        var found = new List<(int, string)>();
        // In chunks, so a statement stays well under the providers' limits on parameters.
        foreach (var chunk in values.SelectMany(v => new[] { v, v.ToLowerInvariant() }).Distinct().Chunk(500))
        {
            var rows = await db.Set<TRecord>().AsNoTracking()
                .Where(r => chunk.Contains(EF.Property<string>(r, property)))
                .Select(r => new { r.Id, Value = EF.Property<string>(r, property) })
                .ToListAsync(cancellationToken);
            found.AddRange(rows.Select(r => (r.Id, r.Value)));
        }

        return found;
    }

    public async Task<Result<ImportSaveResult>> SaveAsync(IServiceProvider services, Actor actor, int? id, JsonObject values, CancellationToken cancellationToken, bool customValuesLater = false)
    {
        // Custom fields come as "customFields.key" (the mapping's and the undo's keys) and go to the save as the API's customFields object.
        var builtIn = new JsonObject();
        var customValues = new JsonObject();
        foreach (var (key, value) in values)
        {
            if (key.StartsWith(CustomPrefix, StringComparison.Ordinal))
            {
                customValues[key[CustomPrefix.Length..]] = value?.DeepClone();
            }
            else
            {
                builtIn[key] = value?.DeepClone();
            }
        }

        var body = PatchBody.Read<TInput>(JsonSerializer.SerializeToElement(builtIn, s_json), s_json);
        if (!body.IsOk)
        {
            return body.Map<ImportSaveResult>();
        }

        var fields = id is null ? InputFields.All<TInput, TFields>() : InputFields.Given<TInput, TFields>(body.Value);
        Task<Result<TDetails>> Save() => services.GetRequiredService<TSave>().RunAsync(actor, id, body.Value.Value, fields, cancellationToken);
        var custom = services.GetService<IRecordCustomFields>();
        if (custom is null)
        {
            var plain = await Save();
            return plain.IsOk ? Result<ImportSaveResult>.Ok(new ImportSaveResult(plain.Value!.Id, ValuesOf(plain.Value))) : plain.Map<ImportSaveResult>();
        }

        // As the API: defaults and required custom fields apply to a new record even when no column names them.
        var plan = await custom.CheckAsync(actor, Definition.Key, id, JsonSerializer.SerializeToElement(new JsonObject { [CustomFieldEntry.Prefix] = customValues }, s_json), cancellationToken);
        if (!plan.IsOk)
        {
            // The row is refused either way, and a refused row rolls the whole import back: the save runs
            // too, so the row lists the built-in fields' problems beside the custom fields'.
            var alongside = await Save();
            var errors = new FieldErrors();
            foreach (var (field, messages) in plan.Errors.Concat(alongside.IsOk ? [] : alongside.Errors))
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }

            return Result<ImportSaveResult>.Invalid(errors);
        }

        var saved = await custom.SaveWithAsync(services.GetRequiredService<CrmDb>(), plan.Value!, Definition.Key, Save, cancellationToken);
        if (!saved.IsOk)
        {
            return saved.Map<ImportSaveResult>();
        }

        var read = ValuesOf(saved.Value!);
        return Result<ImportSaveResult>.Ok(new ImportSaveResult(saved.Value!.Id,
            id is null && customValuesLater ? read : await WithCustomAsync(custom, actor, saved.Value.Id, read, cancellationToken)));
    }

    public async Task<IReadOnlyDictionary<int, JsonObject>> CustomValuesAsync(IServiceProvider services, Actor actor, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var read = services.GetService<IRecordCustomFields>() is { } custom && ids.Count > 0
            ? await custom.ReadManyAsync(actor, Definition.Key, ids, cancellationToken)
            : new Dictionary<int, JsonObject>();
        var answers = new Dictionary<int, JsonObject>();
        foreach (var id in ids)
        {
            answers[id] = WithCustom(new JsonObject(), read.GetValueOrDefault(id) ?? []);
        }

        return answers;
    }

    public async Task<JsonObject?> ReadAsync(IServiceProvider services, Actor actor, int id, CancellationToken cancellationToken) =>
        await ReadableModules.Find(Definition.Key)!.Read(services, actor, id, cancellationToken) is { Details: TDetails details }
            ? services.GetService<IRecordCustomFields>() is { } custom ? await WithCustomAsync(custom, actor, id, ValuesOf(details), cancellationToken) : ValuesOf(details)
            : null;

    private const string CustomPrefix = CustomFieldEntry.Prefix + ".";

    /// <summary>The record's custom values the actor may see, added as "customFields.key", so an update's old → new and its undo cover them.</summary>
    private async Task<JsonObject> WithCustomAsync(IRecordCustomFields custom, Actor actor, int id, JsonObject values, CancellationToken cancellationToken) =>
        WithCustom(values, await custom.ReadAsync(actor, Definition.Key, id, cancellationToken));

    private static JsonObject WithCustom(JsonObject values, JsonObject custom)
    {
        foreach (var (key, value) in custom)
        {
            values[CustomPrefix + key] = value?.DeepClone();
        }

        return values;
    }

    public async Task<string?> DeleteAsync(IServiceProvider services, Actor actor, int id, CancellationToken cancellationToken)
    {
        var delete = services.GetRequiredService<TDelete>();
        var impact = await delete.ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact.Message;
        }

        if (impact.Value!.Also.Named.Count > 0 || impact.Value.Also.Hidden > 0)
        {
            var count = impact.Value.Also.Named.Count + impact.Value.Also.Hidden;
            return $"Other records now depend on it ({count}); delete it yourself if it should go.";
        }

        var deleted = await delete.RunAsync(actor, id, [], cancellationToken);
        return deleted.IsOk ? null : deleted.Message;
    }

    private JsonObject ValuesOf(TDetails details) => JsonSerializer.SerializeToNode(inputOf(details), s_json)!.AsObject();

    private static ImportValueKind KindOf(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type == typeof(Guid) ? ImportValueKind.User
            : typeof(IEnumerable<Guid>).IsAssignableFrom(type) ? ImportValueKind.Users
            : type == typeof(int) || type == typeof(long) ? ImportValueKind.WholeNumber
            : type == typeof(DateOnly) || type == typeof(DateTime) ? ImportValueKind.Date
            : type == typeof(bool) ? ImportValueKind.Boolean
            : ImportValueKind.Text;
    }
}
