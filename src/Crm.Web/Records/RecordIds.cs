using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Records;

/// <summary>
/// How people type a record's ID: "42", "ID 42", "id42" (any case, spaces around). The search box
/// and every related-record field read it the same way.
/// </summary>
public static partial class RecordIds
{
    public static bool TryParse(string? text, out int id)
    {
        id = 0;
        return text is not null && Typed().Match(text) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }

    [GeneratedRegex(@"^\s*(?:id\s*)?(\d{1,9})\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Typed();
}

/// <summary>
/// Binds a related-record field of a form (<c>Input.CompanyId</c> and the like): empty is none, an
/// ID is read as <see cref="RecordIds"/> reads it. Without script the picker is a plain text field,
/// so "ID 42" must work as well as "42"; anything else (a name typed but no suggestion chosen) is
/// an error on the field that says what to do.
/// </summary>
public sealed class RecordIdBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        var text = value.FirstValue;
        if (string.IsNullOrWhiteSpace(text))
        {
            bindingContext.Result = ModelBindingResult.Success(null);
        }
        else if (RecordIds.TryParse(text, out var id))
        {
            bindingContext.Result = ModelBindingResult.Success(id);
        }
        else
        {
            var name = bindingContext.ModelMetadata.DisplayName ?? bindingContext.ModelMetadata.Name ?? "record";
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName,
                $"Choose the {name.ToLowerInvariant()} from the suggestions, or type its ID (like 42 or ID 42).");
            bindingContext.Result = ModelBindingResult.Failed();
        }

        return Task.CompletedTask;
    }
}
