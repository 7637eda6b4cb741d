using Crm.Web.Features.CustomFields;
using Crm.Web.Records;

namespace Crm.Tests.CustomFields;

/// <summary>
/// The one table the custom field tests are driven by: every type with a value it accepts (and the
/// stored form it takes), how the record page shows it (default formats: YYYY-MM-DD, "," and ".",
/// UTC) and one it refuses, crossed with every module the kit serves.
/// </summary>
public static class CustomFieldTable
{
    public sealed record TypeCase(string Type, string Good, string Stored, string Bad, string Shown);

    public static readonly IReadOnlyList<CustomFieldChoice> Industries = [new("Retail"), new("Banking"), new("Mining", Retired: true)];

    public static readonly IReadOnlyList<TypeCase> Types =
    [
        new(CustomFieldTypes.Text, " RO12345678 ", "RO12345678", "line\nbreak", "RO12345678"),
        new(CustomFieldTypes.Number, "1234.5", "1234.5", "12,5", "1,234.5"),
        new(CustomFieldTypes.Money, "1234.5", "1234.50", "1.234", "1,234.50"),
        new(CustomFieldTypes.Date, "2026-12-31", "2026-12-31", "31/12/2026", "2026-12-31"),
        new(CustomFieldTypes.DateTime, "2026-12-31T14:30", "2026-12-31T14:30:00Z", "tomorrow", "2026-12-31 14:30"),
        new(CustomFieldTypes.Select, "retail", "Retail", "Mining", "Retail"),
        new(CustomFieldTypes.MultiSelect, "Banking, Retail", "Retail, Banking", "Retail, Oil", "Retail Banking"),
        new(CustomFieldTypes.Checkbox, "on", "true", "maybe", "Yes"),
        new(CustomFieldTypes.Textarea, "two\r\nlines", "two\nlines", new string('x', CustomFieldTypes.TextareaMaxLength + 1), "two lines"),
        new(CustomFieldTypes.Url, "https://erp.example.com/c/12", "https://erp.example.com/c/12", "javascript:alert(1)", "https://erp.example.com/c/12"),
        new(CustomFieldTypes.Email, "billing@example.com", "billing@example.com", "billing@", "billing@example.com"),
        new(CustomFieldTypes.Phone, "+40 21 123 4567", "+40 21 123 4567", "call me", "+40 21 123 4567"),
    ];

    public static TheoryData<string> TypeNames() => [.. Types.Select(t => t.Type)];

    public static TheoryData<string, string> ModulesByTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (var module in ReadableModules.All)
        {
            foreach (var type in Types)
            {
                data.Add(module.Key, type.Type);
            }
        }

        return data;
    }

    public static TypeCase Of(string type) => Types.Single(t => t.Type == type);

    /// <summary>A key from the type's name: multi-select → multiSelectField.</summary>
    public static string KeyOf(string type) =>
        string.Concat(type.Split('-').Select((p, i) => i == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..])) + "Field";
}
