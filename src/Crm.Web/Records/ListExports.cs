using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>One exported column: the field rule that may hide it, its header, and its cell.</summary>
public sealed record ExportColumn<TRow>(string Field, string Header, Func<TRow, string?> Value);

/// <summary>An export allowed to go ahead: the format asked for and the actor's field rules.</summary>
public sealed record ExportStart(ModuleDefinition Module, ExportFormat Format, FieldPermissions Fields);

/// <summary>What a module exports: its columns, how many rows, and the rows, read only while the file is written.</summary>
public sealed record ExportRows<TRow>(IReadOnlyList<ExportColumn<TRow>> Columns, int Count, Func<CancellationToken, IAsyncEnumerable<TRow>> Rows);

/// <summary>
/// What every module's export use case does the same way: the export permission, the format, the
/// query's own validation; then, once the module has read its filtered list, the hidden columns
/// dropped, and the activity-log entry and the audit entry saved together before any row is
/// written. The module keeps its use case file and decides which rows the actor sees.
/// </summary>
public sealed class ListExports(CrmDb db, RecordAccess access, ActivityLog activity, AuditContext audit, TimeProvider clock, IServiceProvider services, IServiceScopeFactory scopes)
{
    /// <summary>The request's custom field filters (<c>cf.key=value</c>), which every module's list and export apply.</summary>
    public CustomFieldListFilters CustomFilters => services.GetRequiredService<CustomFieldListFilters>();

    /// <summary>The field of the refusal of an export above the role's row limit (a 400 problem in the API, a message on the list page).</summary>
    public const string RowLimitField = "rowLimit";

    /// <summary>The sentence that refuses an export of <paramref name="rows"/> rows to a holder of <paramref name="role"/>.</summary>
    public static string RowLimitMessage(int rows, int limit, string role) => string.Create(CultureInfo.InvariantCulture,
        $"This export has {rows:N0} rows, and your role ({role}) may export at most {limit:N0} rows at a time. Narrow the filter (a search, an owner, a stage or a date) to {limit:N0} rows or fewer and export again.");

    /// <summary>The row limit of the actor's role (<see cref="Features.Roles.Role.MaxExportRows"/>); none for administrators and for actors without a user.</summary>
    public async Task<(int Rows, string Role)?> RowLimitAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.IsAdministrator || actor.UserId is not { } userId)
        {
            return null;
        }

        var role = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Join(db.Roles, u => u.RoleId, r => r.Id, (_, r) => new { r.Name, r.MaxExportRows })
            .FirstOrDefaultAsync(cancellationToken);
        return role?.MaxExportRows is { } rows ? (rows, role.Name) : null;
    }

    /// <summary>
    /// Records an export that is not a module's list (a report such as the role audit): the same
    /// activity-log and audit entries a list export writes, so the export log shows it alike.
    /// <paramref name="what"/> names it in the trail (<c>role-audit</c>), <paramref name="noun"/> in the sentence.
    /// </summary>
    public async Task RecordAsync(Actor actor, string what, string noun, ExportFormat format, IReadOnlyList<string> columns, int count, CancellationToken cancellationToken)
    {
        var written = format.ToString().ToLowerInvariant();
        activity.Record(actor, ActivityKindOf(what), $"Exported {count} {noun} as {written.ToUpperInvariant()}.");
        audit.Note(what, "", $"Export of {count} {noun}", AuditActions.Exported, Changes(written, count, new JsonObject(), columns));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static JsonObject Changes(string format, int count, JsonObject filter, IEnumerable<string> columns) => new()
    {
        ["format"] = new JsonObject { ["new"] = format },
        ["count"] = new JsonObject { ["new"] = count },
        ["filter"] = new JsonObject { ["new"] = filter },
        ["columns"] = new JsonObject { ["new"] = new JsonArray([.. columns.Select(c => JsonValue.Create(c))]) },
    };

    /// <summary>The activity kind of an export of <paramref name="module"/>: <c>deals-exported</c>.</summary>
    public static string ActivityKindOf(string module) => $"{module}-exported";

    /// <summary>
    /// The export of <paramref name="module"/>'s list for <paramref name="query"/> (its filter, search
    /// and sort are recorded; cursor and page size are not). <paramref name="read"/> runs only once the
    /// export is allowed and the query valid; it returns null when the list itself is not found (404).
    /// </summary>
    public async Task<Result<TableExport>> RunAsync<TRow>(
        Actor actor, ModuleDefinition module, object query, string? format, Func<FieldPermissions, FieldErrors> validate,
        Func<CancellationToken, Task<ExportRows<TRow>?>> read, CancellationToken cancellationToken)
    {
        var start = await StartAsync(actor, module, query, format, validate, cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        if (await read(cancellationToken) is not { } rows)
        {
            return Result<TableExport>.NotFound();
        }

        if (await RowLimitAsync(actor, cancellationToken) is { } limit && rows.Count > limit.Rows)
        {
            // Refused before anything is recorded or written: the export did not happen.
            return Result<TableExport>.Invalid(RowLimitField, RowLimitMessage(rows.Count, limit.Rows, limit.Role));
        }

        // The module's custom fields the actor may see follow its own columns (ADR 0034).
        var custom = ReadableModules.Find(module.Key) is null ? null : services.GetService<IRecordCustomFields>();
        var fields = custom is null ? [] : await custom.EntriesAsync(actor, module.Key, null, null, cancellationToken);
        if (fields.Count == 0)
        {
            return Result<TableExport>.Ok(await FinishAsync(actor, start.Value, query, rows.Columns, rows.Count, rows.Rows, cancellationToken));
        }

        List<ExportColumn<CustomFieldRow<TRow>>> columns =
        [
            .. rows.Columns.Select(c => new ExportColumn<CustomFieldRow<TRow>>(c.Field, c.Header, r => c.Value(r.Row))),
            .. fields.Select(f => new ExportColumn<CustomFieldRow<TRow>>(f.Key, f.Label, r => r.Values.GetValueOrDefault(f.Key))),
        ];
        return Result<TableExport>.Ok(await FinishAsync(actor, start.Value, query, columns, rows.Count, ct => WithValuesAsync(actor, module.Key, rows.Rows(ct), ct), cancellationToken));
    }

    /// <summary>
    /// The rows with their records' custom field values, looked up 500 rows at a time in a scope of
    /// their own (its own connection: the rows are still being read from the list's).
    /// </summary>
    private async IAsyncEnumerable<CustomFieldRow<TRow>> WithValuesAsync<TRow>(
        Actor actor, string module, IAsyncEnumerable<TRow> rows, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var custom = scope.ServiceProvider.GetRequiredService<IRecordCustomFields>();
        var batch = new List<TRow>(500);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            batch.Add(row);
            if (batch.Count == 500)
            {
                foreach (var done in await ValuesOfAsync(custom, actor, module, batch, cancellationToken))
                {
                    yield return done;
                }

                batch.Clear();
            }
        }

        foreach (var done in await ValuesOfAsync(custom, actor, module, batch, cancellationToken))
        {
            yield return done;
        }
    }

    private static async Task<List<CustomFieldRow<TRow>>> ValuesOfAsync<TRow>(IRecordCustomFields custom, Actor actor, string module, List<TRow> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(RecordRowIds.Of).ToList();
        var values = await custom.ValuesAsync(actor, module, ids, cancellationToken);
        IReadOnlyDictionary<string, string?> none = new Dictionary<string, string?>();
        return [.. batch.Select((row, i) => new CustomFieldRow<TRow>(row, values.TryGetValue(ids[i], out var held) ? held : none))];
    }

    /// <summary>The rows of <paramref name="ordered"/> (already projected), counted on <paramref name="filtered"/>, streamed as they are read.</summary>
    public static async Task<ExportRows<TRow>?> CountedAsync<TEntity, TRow>(
        IQueryable<TEntity> filtered, IQueryable<TRow> ordered, IReadOnlyList<ExportColumn<TRow>> columns, CancellationToken cancellationToken) =>
        new(columns, await filtered.CountAsync(cancellationToken), _ => ordered.AsAsyncEnumerable());

    /// <summary>
    /// Forbidden without the module's export permission; otherwise the format and the query are
    /// checked (<paramref name="validate"/> sees the field rules: a filter on a hidden field is refused), with the
    /// custom field filters and a custom field sort (the query's <c>sort</c>).
    /// </summary>
    private async Task<Result<ExportStart>> StartAsync(
        Actor actor, ModuleDefinition module, object query, string? format, Func<FieldPermissions, FieldErrors> validate, CancellationToken cancellationToken)
    {
        if (!(await access.DecideAsync(actor, module.Key, PermissionAction.Export, null, cancellationToken)).Allowed)
        {
            return Result<ExportStart>.Forbidden($"You may not export {module.Title.ToLowerInvariant()}.");
        }

        var fields = await access.FieldsAsync(actor, module.Key, cancellationToken);
        var errors = validate(fields);
        await CustomFilters.CheckAsync(actor, module.Key, errors, cancellationToken);
        await CustomFilters.SortAsync(actor, module.Key, FilterOf(query).FirstOrDefault(f => f.Key == "sort").Value, errors, cancellationToken);
        var parsed = ParseFormat(format);
        if (parsed is null)
        {
            errors.Add("format", "Format is \"csv\" or \"xlsx\".");
        }

        return errors.Any ? Result<ExportStart>.Invalid(errors) : Result<ExportStart>.Ok(new ExportStart(module, parsed!.Value, fields));
    }

    /// <summary>csv (also when not given) or xlsx, in any case; anything else is null.</summary>
    public static ExportFormat? ParseFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "csv" => ExportFormat.Csv,
        "xlsx" => ExportFormat.Xlsx,
        _ => null,
    };

    /// <summary>
    /// Records the export (activity log and audit trail, one SaveChanges) and returns the table;
    /// <paramref name="rows"/> is read only while the file is written.
    /// </summary>
    private async Task<TableExport> FinishAsync<TRow>(
        Actor actor, ExportStart start, object query, IReadOnlyList<ExportColumn<TRow>> columns, int count,
        Func<CancellationToken, IAsyncEnumerable<TRow>> rows, CancellationToken cancellationToken)
    {
        var shown = columns.Where(c => start.Fields.CanSee(c.Field)).ToList();
        List<KeyValuePair<string, string>> filter = [.. FilterOf(query), .. CustomFilters.Given.Select(f => KeyValuePair.Create(CustomFieldListFilters.Prefix + f.Key, f.Value))];
        var format = start.Format.ToString().ToLowerInvariant();
        var noun = start.Module.Title.ToLowerInvariant();
        var described = filter.Count == 0 ? "" : " (" + string.Join(", ", filter.Select(f => $"{f.Key} '{f.Value}'")) + ")";
        activity.Record(actor, ActivityKindOf(start.Module.Key), $"Exported {count} {noun} as {format.ToUpperInvariant()}{described}.");

        var filterJson = new JsonObject();
        foreach (var (name, value) in filter)
        {
            filterJson[name] = value;
        }

        // A list export has no single record: the entry names the module, and its "changes" carry what left the CRM.
        audit.Note(start.Module.Key, "", $"Export of {count} {noun}", AuditActions.Exported, Changes(format, count, filterJson, shown.Select(c => c.Header)));
        await db.SaveChangesAsync(cancellationToken);

        return new TableExport(
            $"{start.Module.Key}-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}",
            [.. shown.Select(c => c.Header)],
            ct => Cells(rows(ct), shown, ct)) { Format = start.Format };
    }

    /// <summary>The query's filter, search and sort as given (paging left out), by the API's parameter names.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FilterOf(object query) =>
    [
        .. query.GetType().GetProperties()
            .Where(p => p.Name is not ("Cursor" or "PageSize") && p.GetIndexParameters().Length == 0)
            .Select(p => (Name: JsonNamingPolicyName(p.Name), Value: Convert.ToString(p.GetValue(query), CultureInfo.InvariantCulture)))
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => KeyValuePair.Create(p.Name, p.Value!.Trim())),
    ];

    private static string JsonNamingPolicyName(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static async IAsyncEnumerable<IReadOnlyList<string?>> Cells<TRow>(
        IAsyncEnumerable<TRow> rows, List<ExportColumn<TRow>> columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return [.. columns.Select(c => c.Value(row))];
        }
    }
}
