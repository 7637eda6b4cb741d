using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Crm.Web.Records;

/// <summary>What kind of value a field holds, which decides how it may be compared.</summary>
public enum FieldKind
{
    Text,
    Number,
    Date,
    YesNo,

    /// <summary>The ID of a user or a record (owner, company): compared as it is written.</summary>
    Reference,
}

/// <summary>One field of a module as the API names it (<c>firstName</c>), with a label for forms and its kind.</summary>
public sealed record RecordField(string Name, string Label, FieldKind Kind);

/// <summary>
/// The fields of a module are the plain properties of the record its read use case returns
/// (<see cref="ReadableModule.Details"/>): the same names the API's JSON, the audit trail's changes
/// and the field rules use. A field added to a module's details is known here without a second list.
/// Lists and nested objects (a task's responsible users) are not fields.
/// </summary>
public static class RecordFields
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<RecordField>> s_fields = new();

    public static IReadOnlyList<RecordField> Of(ReadableModule module) => Of(module.Details);

    /// <summary>The fields of a record type that is not a readable module's (the automation's view of a user).</summary>
    public static IReadOnlyList<RecordField> Of(Type details) => s_fields.GetOrAdd(details, Build);

    public static RecordField? Find(ReadableModule module, string name) => Of(module).FirstOrDefault(f => f.Name == name);

    private static IReadOnlyList<RecordField> Build(Type details) =>
    [
        .. details.GetProperties()
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true)
            .Select(p => (p.Name, Kind: KindOf(p.PropertyType)))
            .Where(p => p.Kind is not null)
            .Select(p => new RecordField(JsonNamingPolicy.CamelCase.ConvertName(p.Name), LabelOf(p.Name), p.Kind!.Value)),
    ];

    private static FieldKind? KindOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => FieldKind.Text,
        var t when t == typeof(int) || t == typeof(long) || t == typeof(decimal) || t == typeof(double) => FieldKind.Number,
        var t when t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(DateTimeOffset) => FieldKind.Date,
        var t when t == typeof(bool) => FieldKind.YesNo,
        var t when t == typeof(Guid) => FieldKind.Reference,
        _ => null,
    };

    /// <summary>A property's name as forms label it: <c>ExpectedClose</c> → "Expected close"; a trailing "Id" is kept ("Owner ID").</summary>
    public static string LabelOf(string name)
    {
        var label = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !(name[i] == 'D' && name[i - 1] == 'I'))
            {
                label.Append(' ');
                label.Append(char.ToLowerInvariant(name[i]));
            }
            else
            {
                label.Append(name[i]);
            }
        }

        var text = label.ToString();
        return text.EndsWith(" id", StringComparison.Ordinal) ? text[..^2] + "ID" : text;
    }
}
