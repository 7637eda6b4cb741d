using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Files;

/// <summary>
/// <c>/files/upload</c>: the target of every record's "Attach" form (and a form of its own). On
/// success it returns to the record's page; on failure it shows the messages here.
/// </summary>
public sealed class UploadFilePage(UploadFile upload, FileSettings settings, FileVisibility visibility, RecordLookups lookups) : PageModel
{
    [BindProperty, Display(Name = "Module")]
    public string? Module { get; set; }

    [BindProperty(BinderType = typeof(RecordIdBinder)), Display(Name = "Record")]
    public int? Id { get; set; }

    [BindProperty, Display(Name = "File")]
    public IFormFile? Attachment { get; set; }

    public string Limit => settings.MaxDescription;

    /// <summary>The modules whose records take files (every module with a lookup but files themselves).</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey != Security.Permissions.CrmModules.Files.Key)];

    public string? BackUrl { get; private set; }

    public async Task OnGetAsync(string? module, int? id, CancellationToken cancellationToken)
    {
        Module = module;
        Id = id;
        await FindBackAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await using var content = Attachment?.OpenReadStream();
        var result = await upload.RunAsync(HttpContext.Actor(), Module, Id, Attachment?.FileName, Attachment?.ContentType, content, cancellationToken);
        if (result.IsOk)
        {
            return LocalRedirect(result.Value.RelatedUrl);
        }

        if (result.Outcome == Outcome.Forbidden)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        foreach (var (field, messages) in result.Errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field switch { "module" => nameof(Module), "id" => nameof(Id), "file" => nameof(Attachment), _ => "" }, message);
            }
        }

        await FindBackAsync(cancellationToken);
        return Page();
    }

    private async Task FindBackAsync(CancellationToken cancellationToken) =>
        BackUrl = Module is { Length: > 0 } m && Id is { } i ? (await visibility.RelatedAsync(HttpContext.Actor(), m, i, cancellationToken))?.Url : null;
}
