using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Crm.Web.Records;

/// <summary>What the top of a record page shows (see <c>Features/Shared/_RecordHeader.cshtml</c>).</summary>
public sealed record RecordHeader(
    ModuleDefinition Module, int Id, string Title, bool CanEdit, bool CanDelete, bool Saved, string? Badge, IHtmlContent Actions);

/// <summary>
/// The top every record page shares: the breadcrumb back to the list, the title with the ID, the
/// History, Edit and Delete buttons (the last two only when allowed) and the notice after a saved form.
/// A module's own buttons go inside, between History and Edit:
/// <c>&lt;record-header module="CrmModules.Leads" record-id="l.Id" heading="@name" ...&gt;&lt;a ...&gt;Convert&lt;/a&gt;&lt;/record-header&gt;</c>.
/// The markup lives in the partial, so it reads as HTML.
/// </summary>
[HtmlTargetElement("record-header")]
public sealed class RecordHeaderTagHelper(IHtmlHelper html) : TagHelper
{
    public ModuleDefinition Module { get; set; } = null!;

    public int RecordId { get; set; }

    public string Heading { get; set; } = "";

    public bool CanEdit { get; set; }

    public bool CanDelete { get; set; }

    /// <summary>Whether the page follows a saved form ("Product saved.").</summary>
    public bool Saved { get; set; }

    /// <summary>A state shown beside the title (a memo's "Draft"); null: none.</summary>
    public string? Badge { get; set; }

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ((IViewContextAware)html).Contextualize(ViewContext);
        var actions = await output.GetChildContentAsync();
        output.TagName = null;
        output.Content.SetHtmlContent(await html.PartialAsync("/Features/Shared/_RecordHeader.cshtml",
            new RecordHeader(Module, RecordId, Heading, CanEdit, CanDelete, Saved, Badge, actions)));
    }
}

/// <summary>What the top of a list page shows: the title, the export actions and the add button when the actor may use them (null: not shown).</summary>
public sealed record ListHeader(string Title, string? ExportLink, string? AddLink, string? AddText)
{
    /// <summary>The import wizard for the module, when the actor may import into it.</summary>
    public string? ImportLink { get; init; }
}

/// <summary>The last rows of a record page's facts (<c>_RecordStamps</c>): who owns it, when it was created and last changed.</summary>
public sealed record RecordStamps(string Owner, DateTime Created, DateTime Modified);

/// <summary>
/// The record's custom fields on its page, inside the page's <c>&lt;dl class="row"&gt;</c>:
/// <c>&lt;record-custom-fields module="CrmModules.Deals" record-id="d.Id" /&gt;</c>. The fields the actor
/// may see (no admin-only ones for others, none a field rule hides), formatted by <c>_CustomFieldValues</c>;
/// nothing when the module has none or the custom fields feature is not there.
/// </summary>
[HtmlTargetElement("record-custom-fields", TagStructure = TagStructure.WithoutEndTag)]
public sealed class RecordCustomFieldsTagHelper(IHtmlHelper html) : TagHelper
{
    public ModuleDefinition Module { get; set; } = null!;

    public int RecordId { get; set; }

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        var http = ViewContext.HttpContext;
        if (http.RequestServices.GetService<IRecordCustomFields>() is not { } custom
            || await custom.EntriesAsync(http.Actor(), Module.Key, RecordId, null, http.RequestAborted) is not { Count: > 0 } entries)
        {
            output.SuppressOutput();
            return;
        }

        ((IViewContextAware)html).Contextualize(ViewContext);
        output.Content.SetHtmlContent(await html.PartialAsync("/Features/Shared/_CustomFieldValues.cshtml", entries));
    }
}
