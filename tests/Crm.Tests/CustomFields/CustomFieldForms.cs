using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.CustomFields;

namespace Crm.Tests.CustomFields;

/// <summary>
/// A record form posted as a browser posts it: every enabled input (a checkbox only when ticked),
/// select (its chosen options) and textarea, with a custom field's inputs replaced by what the test
/// types; the module's own inputs keep the record's values.
/// </summary>
public static class CustomFieldForms
{
    /// <summary>What a browser posts for a custom field of <paramref name="type"/> given the API's text of the value (empty: none).</summary>
    public static string[] Posted(string type, string text) => type switch
    {
        CustomFieldTypes.Checkbox => text.Length == 0 ? ["false"] : ["false", "true"],
        CustomFieldTypes.MultiSelect => ["", .. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
        _ => [text],
    };

    public static async Task<HttpResponseMessage> PostAsync(PageClient client, IDocument document, string key, string[] values, Dictionary<string, string>? others = null)
    {
        var form = document.QuerySelectorAll<IHtmlFormElement>("main form").First(f => f.QuerySelector($"[name='customFields.{key}']") is not null);
        var name = $"customFields.{key}";
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.QuerySelectorAll("input[name], select[name], textarea[name]"))
        {
            var field = element.GetAttribute("name")!;
            if (field == name || element.HasAttribute("disabled") || (others?.ContainsKey(field) ?? false))
            {
                continue;
            }

            switch (element)
            {
                case IHtmlInputElement input when input.Type is "checkbox" or "radio" && !input.IsChecked:
                    break;
                case IHtmlInputElement input:
                    fields.Add(new(field, input.Value));
                    break;
                case IHtmlSelectElement select:
                    var chosen = select.Options.Where(o => o.IsSelected).Select(o => o.Value).ToList();
                    fields.AddRange((chosen.Count == 0 && !select.IsMultiple && select.Options.Length > 0 ? [select.Options[0].Value] : chosen).Select(v => new KeyValuePair<string, string>(field, v)));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(field, area.Value));
                    break;
            }
        }

        fields.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
        fields.AddRange(others ?? []);
        using var content = new FormUrlEncodedContent(fields);
        return await client.Http.PostAsync(new Uri(document.Url).PathAndQuery, content);
    }

    /// <summary>A page element's text with its white space collapsed.</summary>
    public static string Text(IElement? element) =>
        string.Join(' ', (element?.TextContent ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
