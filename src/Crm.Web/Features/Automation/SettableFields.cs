using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Features.Automation;

/// <summary>
/// A field a "set-field" action may change: one the rules already know (<see cref="RecordFields"/>)
/// that the module's save also takes (<see cref="Input"/>, how the save reads its value), with the
/// values a choice field allows.
/// </summary>
public sealed record SettableField(string Name, string Label, FieldKind Kind, ImportValueKind Input, IReadOnlyList<string>? Choices);

/// <summary>
/// The fields rules can set, module by module. A module's save is reached through its
/// <see cref="IRecordImport"/> registration, the one door by which the import also saves a record
/// from a set of field values: so a rule's change gets exactly the checks, permissions, audit and
/// custom-field handling of the module's form and API. A module without that registration (memos)
/// and a field its save does not take (an ID, a creation time, a list of people) are not settable.
/// </summary>
public sealed class SettableFields(IEnumerable<IRecordImport> saves)
{
    private readonly IReadOnlyList<IRecordImport> _saves = [.. saves];

    /// <summary>The module's save, or null when rules cannot set its fields.</summary>
    public IRecordImport? SaveOf(string? module) => _saves.FirstOrDefault(s => s.Definition.Key == module);

    public IReadOnlyList<SettableField> Of(string? module)
    {
        if (SaveOf(module) is not { } save || ReadableModules.Find(module!) is not { } readable)
        {
            return [];
        }

        return
        [
            .. RecordFields.Of(readable)
                .Select(f => (Field: f, Input: save.Fields.FirstOrDefault(i => i.Key == f.Name)))
                .Where(p => p.Input is not null && p.Input.Kind != ImportValueKind.Users)
                .Select(p => new SettableField(p.Field.Name, p.Field.Label, p.Field.Kind, p.Input!.Kind, p.Input.Choices)),
        ];
    }

    public SettableField? Find(string? module, string? field) => Of(module).FirstOrDefault(f => f.Name == field);

    /// <summary>
    /// The JSON value the save reads for <paramref name="value"/> (null: clear the field), or why the
    /// value does not fit the field: a number for a number, a day as yyyy-MM-dd, true or false, a
    /// user's ID, one of a choice field's values (its own spelling is kept).
    /// </summary>
    public static (JsonNode? Value, string? Problem) Parse(SettableField field, string? value)
    {
        if (value is null)
        {
            return (null, null);
        }

        var text = value.Trim();
        switch (field.Input)
        {
            case ImportValueKind.WholeNumber:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? (JsonValue.Create(number), null)
                    : (null, $"{field.Label} is a whole number: give one like 25.");
            case ImportValueKind.Date:
                return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    ? (JsonValue.Create(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), null)
                    : (null, $"{field.Label} is a date: give it as yyyy-MM-dd, like 2027-03-31.");
            case ImportValueKind.Boolean:
                return bool.TryParse(text, out var yes)
                    ? (JsonValue.Create(yes), null)
                    : (null, $"{field.Label} is yes or no: give true or false.");
            case ImportValueKind.User:
                return Guid.TryParse(text, out var user)
                    ? (JsonValue.Create(user.ToString()), null)
                    : (null, $"{field.Label} holds a user: give the user's ID.");
            default:
                if (field.Choices is { Count: > 0 } choices)
                {
                    var choice = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
                    return choice is null
                        ? (null, $"{field.Label} must be one of: {string.Join(", ", choices)}.")
                        : (JsonValue.Create(choice), null);
                }

                return (JsonValue.Create(value), null);
        }
    }

    /// <summary>A set-field action in words: "Set status of lead 12 to \"qualified\"" or "Clear notes of lead 12".</summary>
    public static string Describe(string field, string? value, string module, int recordId) =>
        value is null ? $"Clear {field} of {module} {recordId}." : $"Set {field} of {module} {recordId} to \"{value}\".";
}
