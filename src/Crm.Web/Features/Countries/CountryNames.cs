using System.Globalization;
using System.Text;

namespace Crm.Web.Features.Countries;

/// <summary>
/// How country values are compared: case, accents, punctuation and spacing do not count, so
/// "Côte d'Ivoire", "COTE D IVOIRE" and "cote d’ivoire" are the same name, and "U.S.A." is "USA".
/// </summary>
public static class CountryNames
{
    /// <summary>
    /// The comparison key of <paramref name="value"/>: accents stripped (FormD without non-spacing
    /// marks), lower case, dots dropped (so abbreviations close up), "&amp;" read as "and", any
    /// other punctuation, symbol or control character turned into a space, spaces collapsed.
    /// Empty when nothing comparable is left.
    /// </summary>
    public static string Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "";
        }

        var decomposed = WellFormed(value).Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                || c is '.' or '\u00AD')
            {
                continue;
            }

            if (c == '&')
            {
                AppendWord(key, "and", ref pendingSpace);
                pendingSpace = true;
            }
            else if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && key.Length > 0)
                {
                    key.Append(' ');
                }

                pendingSpace = false;
                key.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }

        return key.ToString();
    }

    /// <summary>
    /// The other keys under which <paramref name="value"/> may name a country, as reference books
    /// and spreadsheets write it: the comma-inverted form read the right way round ("Congo, Republic
    /// of the" is "Republic of the Congo", "Gambia, The" is "The Gambia"), and any of these without a
    /// leading "the" ("The Bahamas" is "Bahamas"). Alternative names are stored comma-separated, so
    /// an inverted form cannot be one; the matcher reads it through these keys instead. The key of
    /// the value itself (<see cref="Normalize"/>) is not among them.
    /// </summary>
    public static IReadOnlyList<string> DerivedKeys(string? value)
    {
        var key = Normalize(value);
        if (key.Length == 0)
        {
            return [];
        }

        var keys = new List<string>(3);
        var comma = value!.LastIndexOf(',');
        var inverted = comma < 0 ? "" : Normalize(value[(comma + 1)..] + " " + value[..comma]);
        if (inverted.Length > 0 && inverted != key)
        {
            keys.Add(inverted);
        }

        foreach (var candidate in new[] { key, inverted })
        {
            if (candidate.StartsWith("the ", StringComparison.Ordinal) && !keys.Contains(candidate[4..]) && candidate[4..] != key)
            {
                keys.Add(candidate[4..]);
            }
        }

        return keys;
    }

    /// <summary>
    /// The text with every unpaired surrogate replaced by a space: such text is not Unicode, and
    /// normalizing it throws, while a country value must never make the matcher fail.
    /// </summary>
    public static string WellFormed(string value)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }

    private static void AppendWord(StringBuilder key, string word, ref bool pendingSpace)
    {
        if (key.Length > 0)
        {
            key.Append(' ');
        }

        key.Append(word);
        pendingSpace = false;
    }

    /// <summary>The alternative names of the comma-separated text, trimmed, blanks and repeats dropped.</summary>
    public static IReadOnlyList<string> Split(string? alternativeNames)
    {
        if (string.IsNullOrWhiteSpace(alternativeNames))
        {
            return [];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var part in alternativeNames.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = string.Join(' ', part.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            if (Normalize(name).Length > 0 && seen.Add(Normalize(name)))
            {
                names.Add(name);
            }
        }

        return names;
    }

    public static string Join(IEnumerable<string> names) => string.Join(", ", names);
}
