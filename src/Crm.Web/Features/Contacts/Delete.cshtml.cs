using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Contacts;

public sealed class DeleteContactPage(DeleteContact delete) : PageModel
{
    public ContactDeleteImpact Impact { get; private set; } = null!;

    /// <summary>The linked records the confirmation showed (module:id), so the delete takes exactly those.</summary>
    [BindProperty]
    public List<string> Also { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken, Also);
        if (result.IsOk)
        {
            return Redirect("/contacts");
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

        Impact = found.Value!;
        return null;
    }
}
