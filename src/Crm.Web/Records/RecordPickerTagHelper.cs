using System.Globalization;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Crm.Web.Records;

/// <summary>
/// The related-record field of every form (a contact's company, what a task is about):
/// <c>&lt;input asp-for="Input.CompanyId" record-picker="companies" class="form-control" /&gt;</c>.
/// It stays the field the form posts, a plain text field that takes the ID ("42" or "ID 42",
/// read by <see cref="RecordIdBinder"/>), so it works without script. <c>wwwroot/js/record-picker.js</c>
/// turns it into a combobox that suggests, as the person types a name, the records they may see
/// (<c>GET /api/v1/lookup/{module}</c>). When the field already holds a record the person may
/// see, its name is shown with it; one they may not see stays an unnamed ID.
/// </summary>
[HtmlTargetElement("input", Attributes = ModuleAttribute + ",asp-for")]
public sealed class RecordPickerTagHelper(RecordLookups lookups) : TagHelper
{
    public const string ModuleAttribute = "record-picker";

    /// <summary>After the input tag helper, whose id, name and value it completes.</summary>
    public override int Order => 100;

    [HtmlAttributeName("asp-for")]
    public ModelExpression For { get; set; } = null!;

    /// <summary>The module whose records are suggested; for a field whose module is chosen in the form, the module chosen now.</summary>
    [HtmlAttributeName(ModuleAttribute)]
    public string? Module { get; set; }

    /// <summary>The id of the select that chooses the module (a task "about a" deal or a company), if the form has one.</summary>
    [HtmlAttributeName("record-picker-module-from")]
    public string? ModuleFrom { get; set; }

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var id = output.Attributes.TryGetAttribute("id", out var idAttribute) ? idAttribute.Value?.ToString() : null;
        id ??= TagBuilder.CreateSanitizedId(FullName, "_");
        output.Attributes.SetAttribute("id", id);
        output.Attributes.SetAttribute("type", "text");
        output.Attributes.SetAttribute("autocomplete", "off");
        output.Attributes.SetAttribute("spellcheck", "false");
        // The number check of the input tag helper does not apply: "ID 42" is a valid entry.
        output.Attributes.RemoveAll("data-val-number");
        output.Attributes.SetAttribute("data-record-picker", Module ?? "");
        if (!string.IsNullOrEmpty(ModuleFrom))
        {
            output.Attributes.SetAttribute("data-record-picker-module-from", ModuleFrom);
        }

        if (ViewContext.ViewData.ModelState.TryGetValue(FullName, out var state) && state.Errors.Count > 0)
        {
            output.Attributes.SetAttribute("aria-invalid", "true");
        }

        var helpId = id + "-picker-help";
        var describedBy = new List<string> { helpId };
        var current = await CurrentAsync();
        if (current is not null)
        {
            output.Attributes.SetAttribute("data-record-picker-label", current.Label);
            describedBy.Insert(0, id + "-picker-current");
        }

        var existing = output.Attributes.TryGetAttribute("aria-describedby", out var described) ? described.Value?.ToString() : null;
        output.Attributes.SetAttribute("aria-describedby", string.Join(' ', describedBy.Prepend(existing ?? "").Where(s => s.Length > 0)));

        if (current is not null)
        {
            var shown = new TagBuilder("div");
            shown.AddCssClass("form-text record-picker-current");
            shown.Attributes["id"] = id + "-picker-current";
            shown.InnerHtml.Append("Now: ");
            var link = new TagBuilder("a");
            link.Attributes["href"] = current.Url;
            link.InnerHtml.Append(current.Label);
            shown.InnerHtml.AppendHtml(link);
            shown.InnerHtml.Append(string.Create(CultureInfo.InvariantCulture, $" (ID {current.Id})"));
            output.PostElement.AppendHtml(shown);
        }

        var help = new TagBuilder("div");
        help.AddCssClass("form-text record-picker-help");
        help.Attributes["id"] = helpId;
        // The script offers names; without it the field takes the ID only.
        help.Attributes["data-script-text"] = "Type part of the name and choose, or type the ID.";
        help.InnerHtml.Append("The ID shown on the record's page, like 42 or ID 42.");
        output.PostElement.AppendHtml(help);
    }

    private string FullName => ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);

    /// <summary>The record the field holds, if it is known and the person may see it.</summary>
    private async Task<RecordLink?> CurrentAsync()
    {
        if (For.Model is not int recordId || string.IsNullOrEmpty(Module)
            || ViewContext.ViewData.ModelState.TryGetValue(FullName, out var entry) && entry.Errors.Count > 0)
        {
            return null;
        }

        var http = ViewContext.HttpContext;
        return await lookups.FindAsync(http.Actor(), Module, recordId, http.RequestAborted);
    }
}
