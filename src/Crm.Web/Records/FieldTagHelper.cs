using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Crm.Web.Records;

/// <summary>
/// One field of a record form, the markup every form repeats:
/// <c>&lt;crm-field for="Input.Code" label="Code" max="@Product.CodeMaxLength" /&gt;</c> gives the
/// <c>div.mb-3</c> with the label, a text input (<c>form-control</c>, the maxlength, autocomplete off),
/// the optional help text the input is described by, and the validation message. <c>rows</c> makes it
/// a textarea; a yes/no property makes it a checkbox. A field whose control is more (a select, a record picker) writes that control inside
/// the element and gets the same label, help and message around it. The label, input and message come
/// from ASP.NET Core's own tag helpers, so ids (<c>Input_Code</c>), names and validation attributes
/// are those <c>asp-for</c> gives.
/// </summary>
[HtmlTargetElement("crm-field", Attributes = "for")]
public sealed class FieldTagHelper(IHtmlGenerator generator) : TagHelper
{
    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = null!;

    /// <summary>The label's text; null: the property's display name.</summary>
    public string? Label { get; set; }

    /// <summary>The maxlength of the input or textarea.</summary>
    public int? Max { get; set; }

    /// <summary>The input's type when not the one its property gives (email, tel, date).</summary>
    public string? Type { get; set; }

    /// <summary>The keyboard a phone shows (decimal for a price).</summary>
    [HtmlAttributeName("inputmode")]
    public string? InputMode { get; set; }

    /// <summary>A textarea of this many rows instead of an input.</summary>
    public int? Rows { get; set; }

    /// <summary>A hint below the control, which the control is described by.</summary>
    public string? Help { get; set; }

    /// <summary>The hint's id; the property's name lower-cased plus "-help" when not given ("price-help").</summary>
    public string? HelpId { get; set; }

    /// <summary>The wrapper's classes; "mb-3" when not given, "col-sm-8 mb-3" in a row.</summary>
    [HtmlAttributeName("class")]
    public string? WrapperClass { get; set; }

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var control = await output.GetChildContentAsync();
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        if ((Nullable.GetUnderlyingType(For.Metadata.ModelType) ?? For.Metadata.ModelType) == typeof(bool))
        {
            await CheckboxAsync(output);
            return;
        }

        output.Attributes.SetAttribute("class", WrapperClass ?? "mb-3");
        var helpId = Help is null ? null : HelpId ?? For.Name[(For.Name.LastIndexOf('.') + 1)..].ToLowerInvariant() + "-help";

        Append(output, await RunAsync(new LabelTagHelper(generator) { For = For, ViewContext = ViewContext }, "label", Label, ("class", "form-label")));
        if (control.IsEmptyOrWhiteSpace)
        {
            Append(output, Rows is { } rows ? await TextAreaAsync(rows) : await InputAsync(helpId));
        }
        else
        {
            Append(output, control);
        }

        if (helpId is not null)
        {
            var help = new TagBuilder("div");
            help.Attributes["id"] = helpId;
            help.AddCssClass("form-text");
            help.InnerHtml.Append(Help!);
            Append(output, help);
        }

        Append(output, await RunAsync(new ValidationMessageTagHelper(generator) { For = For, ViewContext = ViewContext }, "span", null, ("class", "text-danger")));
        output.Content.AppendHtml("\n");
    }

    /// <summary>
    /// A yes/no field as a checkbox, written out: <c>asp-for</c> makes none of a <c>bool?</c> (the API
    /// may send null). A hidden "false" follows it, so an unchecked box still says no.
    /// </summary>
    private async Task CheckboxAsync(TagHelperOutput output)
    {
        output.Attributes.SetAttribute("class", WrapperClass ?? "form-check mb-3");
        var box = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        box.MergeAttributes(new Dictionary<string, string?>
        {
            ["type"] = "checkbox", ["id"] = TagBuilder.CreateSanitizedId(For.Name, generator.IdAttributeDotReplacement), ["name"] = For.Name, ["value"] = "true", ["class"] = "form-check-input",
        });
        if (For.Model is true)
        {
            box.Attributes["checked"] = "checked";
        }

        var no = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        no.MergeAttributes(new Dictionary<string, string?> { ["type"] = "hidden", ["name"] = For.Name, ["value"] = "false" });
        Append(output, box);
        Append(output, no);
        Append(output, await RunAsync(new LabelTagHelper(generator) { For = For, ViewContext = ViewContext }, "label", Label, ("class", "form-check-label")));
        Append(output, await RunAsync(new ValidationMessageTagHelper(generator) { For = For, ViewContext = ViewContext }, "span", null, ("class", "text-danger d-block")));
        output.Content.AppendHtml("\n");
    }

    private Task<TagHelperOutput> InputAsync(string? helpId)
    {
        var attributes = new List<(string, object)>();
        if (Type is not null)
        {
            attributes.Add(("type", Type));
        }

        if (InputMode is not null)
        {
            attributes.Add(("inputmode", InputMode));
        }

        attributes.Add(("class", "form-control"));
        if (Max is { } max)
        {
            attributes.Add(("maxlength", max));
        }

        // Browsers offer no useful earlier entries for a CRM record's fields; a date picker has none.
        if (Type is not ("date" or "datetime-local"))
        {
            attributes.Add(("autocomplete", "off"));
        }

        if (helpId is not null)
        {
            attributes.Add(("aria-describedby", helpId));
        }

        return RunAsync(new InputTagHelper(generator) { For = For, ViewContext = ViewContext, InputTypeName = Type }, "input", null, [.. attributes]);
    }

    private Task<TagHelperOutput> TextAreaAsync(int rows)
    {
        var textarea = new TextAreaTagHelper(generator) { For = For, ViewContext = ViewContext };
        return Max is { } max
            ? RunAsync(textarea, "textarea", null, ("class", "form-control"), ("rows", rows), ("maxlength", max))
            : RunAsync(textarea, "textarea", null, ("class", "form-control"), ("rows", rows));
    }

    private static void Append(TagHelperOutput output, Microsoft.AspNetCore.Html.IHtmlContent part) =>
        output.Content.AppendHtml("\n    ").AppendHtml(part);

    /// <summary>One of ASP.NET Core's tag helpers on an element of our making, as if the page had written it.</summary>
    private static async Task<TagHelperOutput> RunAsync(TagHelper helper, string tagName, string? content, params (string Name, object Value)[] attributes)
    {
        var list = new TagHelperAttributeList(attributes.Select(a => new TagHelperAttribute(a.Name, a.Value)));
        var context = new TagHelperContext(tagName, new TagHelperAttributeList(list), new Dictionary<object, object>(), Guid.NewGuid().ToString("N"));
        var output = new TagHelperOutput(tagName, list, (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent().SetContent(content ?? "")))
        {
            TagMode = tagName == "input" ? TagMode.SelfClosing : TagMode.StartTagAndEndTag,
        };
        helper.Init(context);
        await helper.ProcessAsync(context, output);
        return output;
    }
}
