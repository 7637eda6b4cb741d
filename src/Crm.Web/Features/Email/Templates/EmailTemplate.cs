using System.Net;
using System.Text;

namespace Crm.Web.Features.Email.Templates;

/// <summary>A template that cannot be used: an unknown variable, a brace left open, a section tag.</summary>
public sealed class EmailTemplateException(string message) : Exception(message);

/// <summary>
/// A logic-less template: literal text and <c>{{name}}</c> placeholders, nothing else (no code, no
/// conditions, no loops, no raw output). Parsed once, against the variables its email declares, so
/// a misspelt variable fails when the templates load instead of when a customer's email is sent.
/// In an HTML part every value is HTML-encoded.
/// </summary>
public sealed class EmailTemplate
{
    private readonly IReadOnlyList<(string? Literal, string? Variable)> _parts;

    private EmailTemplate(string name, IReadOnlyList<(string?, string?)> parts, bool isHtml)
    {
        Name = name;
        _parts = parts;
        IsHtml = isHtml;
    }

    public string Name { get; }
    public bool IsHtml { get; }

    public static EmailTemplate Parse(string name, string source, IReadOnlySet<string> variables, bool isHtml)
    {
        var parts = new List<(string?, string?)>();
        var at = 0;
        while (at < source.Length)
        {
            var open = source.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add((source[at..], null));
                break;
            }

            if (open > at)
            {
                parts.Add((source[at..open], null));
            }

            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new EmailTemplateException($"{name}: '{{{{' at character {open} is never closed.");
            }

            var variable = source[(open + 2)..close].Trim();
            if (variable.Length == 0 || !variable.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new EmailTemplateException($"{name}: '{{{{{variable}}}}}' is not a variable; templates hold only {{{{name}}}} placeholders.");
            }

            if (!variables.Contains(variable))
            {
                throw new EmailTemplateException($"{name}: unknown variable '{variable}'; this email knows {string.Join(", ", variables.Order(StringComparer.Ordinal))}.");
            }

            parts.Add((null, variable));
            at = close + 2;
        }

        return new EmailTemplate(name, parts, isHtml);
    }

    public string Render(IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder();
        foreach (var (literal, variable) in _parts)
        {
            if (literal is not null)
            {
                text.Append(literal);
                continue;
            }

            if (!values.TryGetValue(variable!, out var value))
            {
                throw new EmailTemplateException($"{Name}: no value for '{variable}'.");
            }

            text.Append(IsHtml ? WebUtility.HtmlEncode(value) : value);
        }

        return text.ToString();
    }
}
