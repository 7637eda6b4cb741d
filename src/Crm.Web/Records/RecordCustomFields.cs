using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>
/// The custom fields of a record, as the kit's API routes, forms and record pages read and write them
/// (a <c>customFields</c> object beside the module's own fields). Registered by the custom fields
/// feature; without it the routes and pages answer as before. A check comes before the module's save,
/// the write after it in the same transaction, so a refused value saves nothing and a saved record has its values.
/// </summary>
public interface IRecordCustomFields
{
    /// <summary>
    /// Checks the body's <c>customFields</c> for record <paramref name="id"/> (null: a new record, which
    /// takes the defaults and needs the required fields): a plan to write, or the field errors
    /// (<c>customFields.key</c>).
    /// </summary>
    Task<Result<CustomFieldPlan>> CheckAsync(Actor actor, string moduleKey, int? id, JsonElement body, CancellationToken cancellationToken);

    /// <summary>The same check for a posted record form, whose inputs are named <c>customFields.key</c> (see <see cref="CustomFieldEntry"/>).</summary>
    Task<Result<CustomFieldPlan>> CheckFormAsync(Actor actor, string moduleKey, int? id, IFormCollection form, CancellationToken cancellationToken);

    /// <summary>Writes a checked plan for the saved record, with its history entry, before the caller commits.</summary>
    Task WriteAsync(CustomFieldPlan plan, string moduleKey, int recordId, CancellationToken cancellationToken);

    /// <summary>The values the actor may see, by key (absent: no value).</summary>
    Task<JsonObject> ReadAsync(Actor actor, string moduleKey, int recordId, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ReadAsync"/> for each of <paramref name="recordIds"/> (a list's page), read in one query
    /// whatever their number; every ID asked for has its object.
    /// </summary>
    Task<IReadOnlyDictionary<int, JsonObject>> ReadManyAsync(Actor actor, string moduleKey, IReadOnlyCollection<int> recordIds, CancellationToken cancellationToken);

    /// <summary>
    /// The fields the actor may see on a form or record page, in position order, with the record's
    /// values (a new record: the defaults), and on a refused form what the user typed (<paramref name="posted"/>).
    /// </summary>
    Task<IReadOnlyList<CustomFieldEntry>> EntriesAsync(Actor actor, string moduleKey, int? recordId, IFormCollection? posted, CancellationToken cancellationToken);

    /// <summary>The values the actor may see of the records <paramref name="recordIds"/>, by record and key (a list's rows, an export's).</summary>
    Task<IReadOnlyDictionary<int, Dictionary<string, string?>>> ValuesAsync(Actor actor, string moduleKey, IReadOnlyCollection<int> recordIds, CancellationToken cancellationToken);

    /// <summary>
    /// A list's filters (<paramref name="given"/>: key and value as typed) as conditions on the value
    /// table, or a message per filter under <c>cf.key</c>: a key the actor may not see, a type that
    /// cannot be filtered (textarea), a value its type does not read.
    /// </summary>
    Task<Result<IReadOnlyList<CustomFieldCondition>>> FilterAsync(Actor actor, string moduleKey, IReadOnlyList<KeyValuePair<string, string>> given, CancellationToken cancellationToken);

    /// <summary>
    /// A list's sort by the field <paramref name="key"/> (<c>sort=cf.key</c>, <paramref name="descending"/> for
    /// <c>-cf.key</c>), or the message under <c>sort</c>: a key the actor may not see (told as an unknown one), long text.
    /// </summary>
    Task<Result<CustomFieldSort>> SortAsync(Actor actor, string moduleKey, string key, bool descending, CancellationToken cancellationToken);
}

/// <summary>
/// A list sorted by one custom field: <paramref name="Name"/> as the list's cursors carry it (<c>cf.industry</c>,
/// <c>-cf.industry</c>); <paramref name="Value"/> the record's value of the field by its ID, an
/// <c>Expression&lt;Func&lt;int, T&gt;&gt;</c> of text (string), number (double?) or instant (DateTime?) that EF
/// translates to a lookup in the value table; <paramref name="ValuesAsync"/> the values of a page's records
/// (absent: none), which its cursors keep. <see cref="KeysetList{TEntity, TRow}"/> orders by it with records
/// without a value last, either way, ties broken by ID.
/// </summary>
public sealed record CustomFieldSort(
    string Name, bool Descending, System.Linq.Expressions.LambdaExpression Value,
    Func<IReadOnlyCollection<int>, CancellationToken, Task<IReadOnlyDictionary<int, object>>> ValuesAsync)
{
    /// <summary>What marks a descending sort: <c>-cf.industry</c>.</summary>
    public const string DescendingMark = "-";

    /// <summary>The field key and direction of <paramref name="sort"/> when it names a custom field (<c>cf.key</c> or <c>-cf.key</c>).</summary>
    public static (string Key, bool Descending)? Parse(string? sort)
    {
        var text = sort?.Trim() ?? "";
        var descending = text.StartsWith(DescendingMark, StringComparison.Ordinal);
        var rest = descending ? text[DescendingMark.Length..] : text;
        return rest.StartsWith(CustomFieldListFilters.Prefix, StringComparison.OrdinalIgnoreCase) && rest.Length > CustomFieldListFilters.Prefix.Length
            ? (rest[CustomFieldListFilters.Prefix.Length..], descending)
            : null;
    }
}

/// <summary>A row of a list with the custom field values of its record, by key.</summary>
public sealed record CustomFieldRow<TRow>(TRow Row, IReadOnlyDictionary<string, string?> Values);

/// <summary>What a checked <c>customFields</c> will change; an empty plan changes nothing, and the save needs no transaction of its own.</summary>
public sealed record CustomFieldPlan(bool IsEmpty, object Changes);

/// <summary>
/// One custom field as a form or a record page shows it: <paramref name="Type"/> is the type's name
/// as the API gives it (text, number, money, date, date-time, select, multi-select, checkbox, textarea,
/// url, email, phone); <paramref name="Value"/> its text as stored (or as typed on a refused form);
/// <paramref name="Choices"/> what a select offers (with a retired choice the record still holds).
/// </summary>
public sealed record CustomFieldEntry(
    string Key, string Label, string Type, string? Value, bool Required, bool Editable, bool Wide, string? Help, IReadOnlyList<string> Choices)
{
    public const string Prefix = "customFields";

    /// <summary>The input's name, and the key of its messages: <c>customFields.vatNumber</c>.</summary>
    public string Name => $"{Prefix}.{Key}";

    /// <summary>The input's ID (keys are identifiers, so this is a valid one).</summary>
    public string InputId => $"custom-{Key}";

    /// <summary>The chosen values of a multi-select (and the one of a select).</summary>
    public IReadOnlyList<string> Picked => Value is null ? [] : Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

public static class RecordCustomFieldSaves
{
    /// <summary>
    /// Runs the module's <paramref name="save"/> and writes the checked <paramref name="plan"/> for the
    /// saved record, in one transaction (the caller's if one is open): a refused save writes no value.
    /// </summary>
    public static async Task<Result<TDetails>> SaveWithAsync<TDetails>(
        this IRecordCustomFields custom, CrmDb db, CustomFieldPlan plan, string moduleKey, Func<Task<Result<TDetails>>> save, CancellationToken cancellationToken)
    {
        await using var transaction = plan.IsEmpty || db.Database.CurrentTransaction is not null ? null : await db.Database.BeginTransactionAsync(cancellationToken);
        var saved = await save();
        if (!saved.IsOk)
        {
            return saved;
        }

        await custom.WriteAsync(plan, moduleKey, RecordIdOf(saved.Value), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return saved;
    }

    /// <summary>The ID of a module's saved details (every object's have one).</summary>
    public static int RecordIdOf<TDetails>(TDetails details) =>
        details is IRecordDetails withId ? withId.Id : (int)typeof(TDetails).GetProperty("Id")!.GetValue(details)!;
}

/// <summary>The record ID of a list's row: every module's rows have an <c>Id</c>.</summary>
public static class RecordRowIds
{
    public static int Of<TRow>(TRow row) => (int)Ids<TRow>.Id.GetValue(row)!;

    private static class Ids<TRow>
    {
        public static readonly System.Reflection.PropertyInfo Id = typeof(TRow).GetProperty("Id")
            ?? throw new InvalidOperationException($"{typeof(TRow).Name} has no Id: its records' custom fields cannot be shown.");
    }
}

/// <summary>
/// The list's custom field columns a user may choose (<paramref name="All"/>), those chosen
/// (<paramref name="Shown"/>, by key), and the values the list is filtered on (<paramref name="Filters"/>, by key).
/// </summary>
public sealed record CustomFieldColumnChoice(IReadOnlyList<CustomFieldEntry> All, IReadOnlyList<string> Shown, IReadOnlyDictionary<string, string>? Filters = null)
{
    /// <summary>The fields a list can be filtered on: all but long text (not indexed).</summary>
    public IEnumerable<CustomFieldEntry> Filterable => All.Where(f => f.Type != "textarea");

    /// <summary>The value the list is filtered on for <paramref name="key"/> (empty: none).</summary>
    public string FilterOf(string key) =>
        Filters?.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)).Value ?? "";
}
