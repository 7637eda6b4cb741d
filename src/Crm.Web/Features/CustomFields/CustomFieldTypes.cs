using System.Globalization;
using Crm.Web.Web;

namespace Crm.Web.Features.CustomFields;

/// <summary>A value as it is stored: its text form (or the long text of a textarea) and, for the types that have one, its number or instant.</summary>
public sealed record StoredValue(string? Text, string? LongText, double? Number, DateTime? Date)
{
    /// <summary>The value as the API and the forms give it.</summary>
    public string Shown => Text ?? LongText ?? "";
}

/// <summary>
/// The types of custom fields and how a value of each is read from its text (a form's input, the
/// API's string, a stored value when the type changes): one place, so a form, the API and a type
/// change agree on what a valid value is and on its stored form.
/// </summary>
public static class CustomFieldTypes
{
    public const string Text = "text";
    public const string Number = "number";
    public const string Money = "money";
    public const string Date = "date";
    public const string DateTime = "date-time";
    public const string Select = "select";
    public const string MultiSelect = "multi-select";
    public const string Checkbox = "checkbox";
    public const string Textarea = "textarea";
    public const string Url = "url";
    public const string Email = "email";
    public const string Phone = "phone";

    public const int TextMaxLength = 500;
    public const int TextareaMaxLength = 10000;

    public static readonly IReadOnlyList<string> All = [Text, Number, Money, Date, DateTime, Select, MultiSelect, Checkbox, Textarea, Url, Email, Phone];

    public static string Title(string type) => type switch
    {
        Text => "Text",
        Number => "Number",
        Money => "Money",
        Date => "Date",
        DateTime => "Date and time",
        Select => "Select (one choice)",
        MultiSelect => "Multi-select",
        Checkbox => "Checkbox",
        Textarea => "Text area",
        Url => "Web address (URL)",
        Email => "Email address",
        Phone => "Phone number",
        _ => type,
    };

    public static bool HasChoices(string type) => type is Select or MultiSelect;

    /// <summary>
    /// The stored form of <paramref name="text"/> for a field of <paramref name="type"/>, or why it is
    /// not a valid value (a sentence naming <paramref name="label"/>). Empty text is no value (null, no
    /// error): whether one is required is the caller's to say. A retired choice is accepted only with
    /// <paramref name="allowRetired"/> (a value a record already holds).
    /// </summary>
    public static (StoredValue? Value, string? Error) Read(string type, string label, IReadOnlyList<CustomFieldChoice> choices, string? text, bool allowRetired = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var given = type == Textarea ? text.Replace("\r\n", "\n", StringComparison.Ordinal) : text.Trim();
        switch (type)
        {
            case Textarea:
                return given.Length > TextareaMaxLength ? (null, $"{label} must be at most {TextareaMaxLength} characters.")
                    : given.Any(c => char.IsControl(c) && c is not '\n' and not '\t') ? (null, $"{label} may not contain control characters.")
                    : (new StoredValue(null, given, null, null), null);
            case Text:
                return given.Length > TextMaxLength ? (null, $"{label} must be at most {TextMaxLength} characters.")
                    : given.Any(char.IsControl) ? (null, $"{label} must be one line of text.")
                    : (Plain(given), null);
            case Number:
                return double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && Math.Abs(number) < 1e15
                    ? (new StoredValue(number.ToString("R", CultureInfo.InvariantCulture), null, number, null), null)
                    : (null, $"{label} must be a number like 1234.5 (a dot for decimals, no thousands separators).");
            case Money:
                return decimal.TryParse(given, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                    && decimal.Round(amount, 2) == amount && Math.Abs(amount) < 1e13m
                    ? (new StoredValue(amount.ToString("0.00", CultureInfo.InvariantCulture), null, (double)(amount * 100), null), null)
                    : (null, $"{label} must be an amount like 1234.50 (a dot for decimals, at most two of them, no thousands separators).");
            case Date:
                return DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    ? (new StoredValue(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, null, day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)), null)
                    : (null, $"{label} must be a date like 2026-12-31.");
            case DateTime:
                return DateTimeOffset.TryParseExact(given, s_instants, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
                    ? (new StoredValue(instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm':00Z'", CultureInfo.InvariantCulture), null, null,
                        new System.DateTime(instant.UtcDateTime.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc)), null)
                    : (null, $"{label} must be a date and time in UTC like 2026-12-31T14:30.");
            case Checkbox:
                return given.ToLowerInvariant() switch
                {
                    "true" or "on" or "yes" or "1" => (Plain("true"), null),
                    "false" or "off" or "no" or "0" => (Plain("false"), null),
                    _ => (null, $"{label} must be true or false."),
                };
            case Select:
                return Choose(choices, given, allowRetired) is { } chosen ? (Plain(chosen), null)
                    : (null, $"{label} must be one of: {string.Join(", ", Offered(choices))}.");
            case MultiSelect:
            {
                var picked = given.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var unknown = picked.Where(p => Choose(choices, p, allowRetired) is null).ToList();
                if (unknown.Count > 0)
                {
                    return (null, $"{label}: '{unknown[0]}' is not a choice; choose from: {string.Join(", ", Offered(choices))}.");
                }

                // Kept in the choices' order, each once, so equal selections are equal text.
                var inOrder = choices.Select(c => c.Value).Where(v => picked.Contains(v, StringComparer.OrdinalIgnoreCase)).ToList();
                var joined = string.Join(", ", inOrder);
                return joined.Length > TextMaxLength ? (null, $"{label}: too many choices for one record.") : (Plain(joined), null);
            }

            case Url:
                return given.Length <= 2000 && Uri.TryCreate(given, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                    ? (Plain(given), null)
                    : (null, $"{label} must be a web address starting with http:// or https://.");
            case Email:
            {
                var errors = new FieldErrors().Email("value", label, given);
                return errors.Any ? (null, errors.ToDictionary()["value"][0]) : (Plain(given), null);
            }

            case Phone:
                return given.Length is >= 3 and <= 40 && given.Any(char.IsAsciiDigit) && given.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/')
                    ? (Plain(given), null)
                    : (null, $"{label} must be a phone number: digits, spaces and + - ( ) . / only, like +40 21 123 4567.");
            default:
                return (null, $"{label} has an unknown type.");
        }
    }

    /// <summary>The non-retired choices, which a new value may take.</summary>
    public static IEnumerable<string> Offered(IReadOnlyList<CustomFieldChoice> choices) => choices.Where(c => !c.Retired).Select(c => c.Value);

    private static readonly string[] s_instants = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"];

    private static StoredValue Plain(string text) => new(text, null, null, null);

    private static string? Choose(IReadOnlyList<CustomFieldChoice> choices, string given, bool allowRetired) =>
        choices.FirstOrDefault(c => (allowRetired || !c.Retired) && string.Equals(c.Value, given, StringComparison.OrdinalIgnoreCase))?.Value;
}
