using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Import;

/// <summary>
/// <c>/import</c>: the first step of the wizard (choose the module, download its template, upload the
/// file) and the list of imports (one's own; an administrator sees everyone's). Reached from the
/// administration area and from the Import button of each module's list.
/// </summary>
public sealed class ImportIndexPage(StartImport start, ReadImport read, ImportModules modules, RecordAccess access) : PageModel
{
    [BindProperty(SupportsGet = true), Display(Name = "Import into")]
    public string? Module { get; set; }

    [BindProperty, Display(Name = "File")]
    public IFormFile? Upload { get; set; }

    /// <summary>The modules the actor may import into.</summary>
    public IReadOnlyList<IRecordImport> Importable { get; private set; } = [];

    /// <summary>The importable modules the actor may also export: the backup the seed advises before a large import is one click.</summary>
    public IReadOnlySet<string> Exportable { get; private set; } = new HashSet<string>();

    public IReadOnlyList<ImportListItem> Imports { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        byte[]? content = null;
        if (Upload is not null)
        {
            using var buffer = new MemoryStream();
            await Upload.CopyToAsync(buffer, cancellationToken);
            content = buffer.ToArray();
        }

        var result = await start.RunAsync(HttpContext.Actor(), Module, Upload?.FileName, content, cancellationToken);
        if (result.IsOk)
        {
            return LocalRedirect($"/import/{result.Value!.Id}");
        }

        if (result.Outcome == Outcome.Forbidden)
        {
            ModelState.AddModelError(nameof(Module), result.Message!);
        }

        foreach (var (field, messages) in result.Errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field switch { "module" => nameof(Module), "file" => nameof(Upload), _ => "" }, message);
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var importable = new List<IRecordImport>();
        var exportable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var module in modules.All)
        {
            if (!actor.IsPreview && (await access.DecideAsync(actor, module.Definition.Key, PermissionAction.Import, null, cancellationToken)).Allowed)
            {
                importable.Add(module);
                if ((await access.DecideAsync(actor, module.Definition.Key, PermissionAction.Export, null, cancellationToken)).Allowed)
                {
                    exportable.Add(module.Definition.Key);
                }
            }
        }

        Importable = importable;
        Exportable = exportable;
        Imports = await read.ListAsync(actor, null, 50, cancellationToken);
    }
}
