using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Gdpr;

/// <summary>The close form's fields as posted.</summary>
public sealed class GdprCloseForm
{
    public string? Status { get; set; }
    public string? Reason { get; set; }
    public string? ClosedOn { get; set; }
}

/// <summary>
/// <c>/admin/gdpr/{id}</c>: a request with its deadline, everything found about the person (shown
/// before acting), the export download and the close form.
/// </summary>
public sealed class GdprRequestPage(ReadGdprRequest read, FindGdprPerson find, CloseGdprRequest close, ExportGdprPerson export) : PageModel
{
    public GdprRequestView Item { get; private set; } = null!;

    public GdprFindings Findings { get; private set; } = null!;

    [BindProperty]
    public GdprCloseForm Close { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    /// <summary>The access / portability export as a zip download (recorded like the API's).</summary>
    public async Task<IActionResult> OnGetExportAsync(int id, CancellationToken cancellationToken)
    {
        var result = await export.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            return File(result.Value.Content, GdprExport.ContentType, result.Value.FileName);
        }

        return result.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
    }

    public async Task<IActionResult> OnPostCloseAsync(int id, CancellationToken cancellationToken)
    {
        var result = await close.RunAsync(HttpContext.Actor(), id, new GdprCloseInput(Close.Status, Close.Reason, Close.ClosedOn), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/gdpr/{id}");
        }

        if (result.Outcome is Outcome.NotFound)
        {
            return NotFound();
        }

        result.CopyTo(ModelState, "Close");
        return await LoadAsync(id, cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var request = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!request.IsOk)
        {
            return request.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
        }

        var findings = await find.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!findings.IsOk)
        {
            return NotFound();
        }

        Item = request.Value;
        Findings = findings.Value;
        return null;
    }
}
