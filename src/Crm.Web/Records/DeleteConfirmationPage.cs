using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Records;

/// <summary>
/// The delete confirmation the modules share: shows what goes with the record (404 outside the view
/// scope, 403 without the right to delete), and on confirmation deletes exactly what it showed, then
/// returns to <paramref name="listUrl"/>. A module's page only names its delete use case and list.
/// </summary>
public abstract class DeleteConfirmationPage<TImpact>(IRecordDeletion<TImpact> delete, string listUrl) : PageModel
    where TImpact : class
{
    public TImpact Impact { get; private set; } = null!;

    /// <summary>The linked records the confirmation showed (module:id), so the delete takes exactly those.</summary>
    [BindProperty]
    public List<string> Also { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, Also, cancellationToken);
        if (result.IsOk)
        {
            return Redirect(listUrl);
        }

        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
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
