using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>
/// A list's filters on custom fields, as the address or the API's query carries them
/// (<c>cf.industry=retail</c>, repeatable for several fields): read once per request, checked against
/// the fields the actor may see (an unknown, admin-only or rule-hidden key is refused with the same
/// message, so a field's existence does not leak), and applied to any query of the module's records
/// by ID as an <c>EXISTS</c> on the value table (ADR 0034), after the module's row filter.
/// </summary>
public sealed class CustomFieldListFilters(IHttpContextAccessor http, IServiceProvider services)
{
    public const string Prefix = "cf.";

    private readonly Dictionary<string, Result<IReadOnlyList<CustomFieldCondition>>> _checked = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Module, string Sort), Result<CustomFieldSort>> _sorts = [];

    /// <summary>
    /// The filters given on this request, by key (the part after <c>cf.</c>), empty values left out;
    /// only on a module's list page, list API and export API (<c>/companies</c>, <c>/api/v1/companies</c>,
    /// <c>/api/v1/companies/export</c>), so another list a page shows is not narrowed by them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Given =>
        http.HttpContext is not { } context || !IsListAddress(context.Request.Path) ? [] :
        [
            .. context.Request.Query
                .Where(q => q.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && q.Key.Length > Prefix.Length)
                .Select(q => KeyValuePair.Create(q.Key[Prefix.Length..], q.Value.LastOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim() ?? ""))
                .Where(q => q.Value.Length > 0)
                .OrderBy(q => q.Key, StringComparer.Ordinal),
        ];

    /// <summary>The messages of the request's filters on <paramref name="module"/> (by <c>cf.key</c>), added to <paramref name="errors"/>.</summary>
    public async Task CheckAsync(Actor actor, string module, FieldErrors errors, CancellationToken cancellationToken)
    {
        var result = await ConditionsAsync(actor, module, cancellationToken);
        if (!result.IsOk && result.Errors is { } refused)
        {
            foreach (var (field, messages) in refused)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="records"/> narrowed to those matching every checked filter of the request; a
    /// query whose filters did not pass <see cref="CheckAsync"/> is refused by its list before this.
    /// </summary>
    public async Task<IQueryable<TRecord>> ApplyAsync<TRecord>(Actor actor, string module, IQueryable<TRecord> records, CancellationToken cancellationToken)
        where TRecord : OwnedRecord
    {
        var result = await ConditionsAsync(actor, module, cancellationToken);
        // A refused filter was reported by the list's check, which read nothing.
        foreach (var condition in result.IsOk ? result.Value : [])
        {
            // "Id IN (the field's matching values)", not a correlated EXISTS: SQLite then reads the
            // matches from the value index once and fetches those records, where with EXISTS it walked
            // the whole list in sort order probing each record (4 s at a million contacts for a filter
            // matching five; bench/results/custom-field-filter-sqlite-2026-12-06.md). PostgreSQL plans both as a semi-join.
            var ids = condition.RecordIds;
            records = condition.Without ? records.Where(r => !ids.Contains(r.Id)) : records.Where(r => ids.Contains(r.Id));
        }

        return records;
    }

    /// <summary>
    /// The list's sort when <paramref name="sort"/> names a custom field (<c>cf.key</c>, <c>-cf.key</c>),
    /// checked against the fields the actor may see; its refusal is added to <paramref name="errors"/> under
    /// <c>sort</c>. Null for any other sort, and when refused.
    /// </summary>
    public async Task<CustomFieldSort?> SortAsync(Actor actor, string module, string? sort, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (CustomFieldSort.Parse(sort) is not { } asked)
        {
            return null;
        }

        if (ReadableModules.Find(module) is null || services.GetService<IRecordCustomFields>() is not { } custom)
        {
            errors.Add("sort", $"There is no custom field \"{Bounded(asked.Key)}\" to sort by here.");
            return null;
        }

        // Checked once per request: an export checks the sort before it reads, and reads it again to order.
        if (!_sorts.TryGetValue((module, sort!), out var result))
        {
            _sorts[(module, sort!)] = result = await custom.SortAsync(actor, module, asked.Key, asked.Descending, cancellationToken);
        }

        if (result.IsOk)
        {
            return result.Value;
        }

        foreach (var (field, messages) in result.Errors)
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }

        return null;
    }

    private async Task<Result<IReadOnlyList<CustomFieldCondition>>> ConditionsAsync(Actor actor, string module, CancellationToken cancellationToken)
    {
        if (_checked.TryGetValue(module, out var known))
        {
            return known;
        }

        var given = Given;
        Result<IReadOnlyList<CustomFieldCondition>> result;
        if (given.Count == 0)
        {
            result = Result<IReadOnlyList<CustomFieldCondition>>.Ok([]);
        }
        else if (ReadableModules.Find(module) is null || services.GetService<IRecordCustomFields>() is not { } custom)
        {
            var errors = new FieldErrors();
            foreach (var (key, _) in given)
            {
                errors.Add(Prefix + key, $"There is no custom field \"{Bounded(key)}\" to filter on here.");
            }

            result = Result<IReadOnlyList<CustomFieldCondition>>.Invalid(errors);
        }
        else
        {
            result = await custom.FilterAsync(actor, module, given, cancellationToken);
        }

        _checked[module] = result;
        return result;
    }

    private static bool IsListAddress(PathString path) => ModuleOfListAddress(path.Value) is not null;

    /// <summary>
    /// The module whose list page, list API or export API <paramref name="path"/> is (<c>/companies</c>,
    /// <c>/api/v1/companies</c>, <c>/api/v1/companies/export</c>): where <c>cf.key</c> filters and sorts apply; null elsewhere.
    /// </summary>
    public static string? ModuleOfListAddress(string? path)
    {
        var text = (path ?? "").TrimEnd('/');
        if (!text.StartsWith('/'))
        {
            text = "/" + text;
        }

        var module = text.StartsWith("/api/v1/", StringComparison.Ordinal) ? text["/api/v1/".Length..] : text.TrimStart('/');
        module = module.EndsWith("/export", StringComparison.Ordinal) && text.StartsWith("/api/v1/", StringComparison.Ordinal) ? module[..^"/export".Length] : module;
        return module.Length > 0 && !module.Contains('/', StringComparison.Ordinal) && ReadableModules.Find(module) is not null ? module : null;
    }

    private static string Bounded(string text) => text.Length <= 50 ? text : text[..49] + "…";
}

/// <summary>
/// One checked custom field filter: the IDs of the records holding the value (a query on the value
/// table, never run on its own), or with <paramref name="Without"/> the records not holding it (a checkbox's "no").
/// </summary>
public sealed record CustomFieldCondition(IQueryable<int> RecordIds, bool Without = false);
