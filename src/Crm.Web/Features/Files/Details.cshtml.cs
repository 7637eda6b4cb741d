using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Files;

public sealed class FilePage(ReadFile read) : PageModel
{
    public FileView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        return Page();
    }
}

/// <summary><c>/files/{id}/download</c>: the content as an attachment; 404 outside the actor's view.</summary>
public sealed class DownloadFilePage(ReadFile read) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.ContentAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return found.Outcome == Web.Outcome.NotFound ? NotFound() : StatusCode(StatusCodes.Status409Conflict);
        }

        var (file, content) = found.Value;
        Response.Headers.XContentTypeOptions = "nosniff";
        return File(content, FileNames.ContentType(file.ContentType), FileNames.Sanitise(file.Name));
    }
}
