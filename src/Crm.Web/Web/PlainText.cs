namespace Crm.Web.Web;

public static class PlainTextRules
{
    /// <summary>
    /// Refuses text that looks like HTML (a tag such as <c>&lt;script&gt;</c>) and, for one-line
    /// fields, control characters. Pages encode everything anyway; refusing keeps hostile text out
    /// of the exports, emails and integrations that may not (DESIGN §5: hostile input is an error).
    /// A lone <c>&lt;</c>, as in "budget &lt; 10k", is still fine.
    /// </summary>
    public static FieldErrors PlainText(this FieldErrors errors, string field, string label, string? value, bool singleLine = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            return errors;
        }

        if (LooksLikeMarkup(value))
        {
            errors.Add(field, $"{label} cannot contain HTML tags.");
        }
        else if (singleLine ? value.Any(char.IsControl) : value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            errors.Add(field, singleLine ? $"{label} must be one line of text." : $"{label} contains characters that are not text.");
        }

        return errors;
    }

    private static bool LooksLikeMarkup(string value)
    {
        for (var i = value.IndexOf('<', StringComparison.Ordinal); i >= 0 && i < value.Length - 1; i = value.IndexOf('<', i + 1))
        {
            if (char.IsAsciiLetter(value[i + 1]) || value[i + 1] is '/' or '!' or '?')
            {
                return true;
            }
        }

        return false;
    }
}
