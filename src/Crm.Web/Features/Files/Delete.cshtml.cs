using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Files;

public sealed class DeleteFilePage(DeleteFile delete) : PageModel
{
    public FileDeleteImpact Impact { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            return LocalRedirect(Impact.RelatedUrl);
        }

        result.CopyTo(ModelState, "");
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var found = await delete.ImpactAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return found.Outcome == Outcome.NotFound ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }

        Impact = found.Value;
        return null;
    }
}
