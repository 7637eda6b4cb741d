using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Features.Import;

/// <summary>
/// How a run's mapping reads a row: which column fills which field of the module's save input, how a
/// cell becomes that field's JSON value, and which column holds the key an update matches on. In an
/// update an empty cell keeps the record's value (a spreadsheet of changes need not repeat the rest);
/// in a create it leaves the field empty.
/// </summary>
public sealed class ImportPlan
{
    private static readonly string[] s_trueWords = ["true", "yes", "y", "1", "x"];
    private static readonly string[] s_falseWords = ["false", "no", "n", "0"];

    private readonly List<(int Column, ImportField Field)> _columns;
    private readonly IReadOnlyList<string> _headers;
    private readonly IReadOnlyList<ImportField> _allFields;

    private ImportPlan(List<(int, ImportField)> columns, IReadOnlyList<string> headers, IReadOnlyList<ImportField> allFields, string mode, string? matchKey, int? keyColumn)
    {
        _columns = columns;
        _headers = headers;
        _allFields = allFields;
        Mode = mode;
        MatchKey = matchKey;
        KeyColumn = keyColumn;
    }

    public string Mode { get; }
    public string? MatchKey { get; }
    public int? KeyColumn { get; }
    public string? KeyHeader => KeyColumn is { } k ? _headers[k] : null;
    public string KeyLabel => MatchKey == "id" ? "ID" : MatchKey ?? "";

    /// <summary>The fields the file fills, by key.</summary>
    public IEnumerable<string> Fields => _columns.Select(c => c.Field.Key);

    /// <summary>The columns whose cells name users (owner, responsible).</summary>
    public IEnumerable<int> UserColumns => _columns.Where(c => c.Field.Kind is ImportValueKind.User or ImportValueKind.Users).Select(c => c.Column);

    /// <summary>The run's plan over <paramref name="editable"/>, the fields the importer may fill (<see cref="ImportFields"/>).</summary>
    public static ImportPlan Of(ImportRun run, ImportSheet sheet, IRecordImport module, IReadOnlyList<ImportField> editable) =>
        Of(Mapping(run.Mapping), sheet.Headers, module, editable, run.Mode, run.MatchKey);

    public static ImportPlan Of(IReadOnlyDictionary<string, string?> mapping, IReadOnlyList<string> headers, IRecordImport module, IReadOnlyList<ImportField> editable, string mode, string? matchKey)
    {
        var columns = new List<(int, ImportField)>();
        int? keyColumn = null;
        for (var i = 0; i < headers.Count; i++)
        {
            if (mapping.GetValueOrDefault(headers[i]) is not { } target)
            {
                continue;
            }

            if (target == KeyTarget)
            {
                keyColumn = i;
            }
            else if (editable.FirstOrDefault(f => f.Key == target) is { } field)
            {
                columns.Add((i, field));
                if (matchKey == field.Key)
                {
                    keyColumn = i;
                }
            }
        }

        return new ImportPlan(columns, headers, [.. module.Fields, .. editable.Where(f => !module.Fields.Contains(f))], mode, matchKey, keyColumn);
    }

    /// <summary>The mapping target of the column holding record IDs (not a field of the save).</summary>
    public const string KeyTarget = "id";

    public static Dictionary<string, string?> Mapping(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [];

    /// <summary>The row's values for the save; problems with a cell go to <paramref name="problems"/>, that cell left out.</summary>
    public JsonObject Values(string?[] cells, IReadOnlyDictionary<string, Guid> users, List<ImportProblem> problems)
    {
        var values = new JsonObject();
        foreach (var (column, field) in _columns)
        {
            var cell = cells[column];
            if (cell is null)
            {
                if (Mode == ImportModes.Create)
                {
                    values[field.Key] = null;
                }

                continue;
            }

            var (value, problem) = Convert(field.Kind, cell, users);
            if (problem is not null)
            {
                problems.Add(new ImportProblem(_headers[column], problem));
            }
            else
            {
                values[field.Key] = value;
            }
        }

        return values;
    }

    /// <summary>The column a save's field error is about; a field no column fills is named by its label (a required field the file lacks).</summary>
    public string ColumnOf(string field)
    {
        // A custom field's errors name it whole (customFields.vatNumber), as its column's field does.
        var key = _columns.Any(c => c.Field.Key == field) || _allFields.Any(f => f.Key == field) ? field : field.Split('.')[0];
        var mapped = _columns.FirstOrDefault(c => string.Equals(c.Field.Key, key, StringComparison.OrdinalIgnoreCase));
        return mapped.Field is not null ? _headers[mapped.Column]
            : _allFields.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase))?.Label ?? (key.Length == 0 ? "Row" : key);
    }

    public static IEnumerable<string> Emails(string cell) =>
        cell.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (JsonNode? Value, string? Problem) Convert(ImportValueKind kind, string cell, IReadOnlyDictionary<string, Guid> users)
    {
        switch (kind)
        {
            case ImportValueKind.WholeNumber:
                // A spreadsheet may store 12 as 12.0; anything with a real fraction is not a whole number.
                return decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue
                    ? (JsonValue.Create((int)number), null)
                    : (null, $"\"{Shown(cell)}\" is not a whole number.");
            case ImportValueKind.Date:
                return DateOnly.TryParseExact(cell.Length > 10 && cell[10] == 'T' ? cell[..10] : cell, ["yyyy-MM-dd", "dd.MM.yyyy", "d.M.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? (JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), null)
                    : (null, $"\"{Shown(cell)}\" is not a date; write it as 2026-12-31 or 31.12.2026.");
            case ImportValueKind.Boolean:
                return s_trueWords.Contains(cell, StringComparer.OrdinalIgnoreCase) ? (JsonValue.Create(true), null)
                    : s_falseWords.Contains(cell, StringComparer.OrdinalIgnoreCase) ? (JsonValue.Create(false), null)
                    : (null, $"\"{Shown(cell)}\" is not yes or no.");
            case ImportValueKind.User:
                return users.TryGetValue(cell, out var user) ? (JsonValue.Create(user), null)
                    : (null, $"No active user has the email address \"{Shown(cell)}\".");
            case ImportValueKind.Users:
                var ids = new JsonArray();
                foreach (var email in Emails(cell))
                {
                    if (!users.TryGetValue(email, out var id))
                    {
                        return (null, $"No active user has the email address \"{Shown(email)}\".");
                    }

                    ids.Add(JsonValue.Create(id));
                }

                return (ids, null);
            default:
                return (JsonValue.Create(cell), null);
        }
    }

    // A cell quoted back in a message is cut short: a message is not the place for a whole paragraph.
    private static string Shown(string cell) => cell.Length <= 60 ? cell : cell[..57] + "…";
}
