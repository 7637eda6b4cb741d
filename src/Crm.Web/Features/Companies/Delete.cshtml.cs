using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Companies;

public sealed class DeleteCompanyPage(DeleteCompany delete) : PageModel
{
    public CompanyDeleteImpact Impact { get; private set; } = null!;

    /// <summary>The contacts the confirmation listed; the delete is refused if they changed meanwhile.</summary>
    [BindProperty]
    public List<int> ContactIds { get; set; } = [];

    /// <summary>The linked records of other modules the confirmation showed (module:id).</summary>
    [BindProperty]
    public List<string> Also { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, ContactIds, cancellationToken, Also);
        if (result.IsOk)
        {
            return Redirect($"/companies?transferred={Uri.EscapeDataString($"Company '{result.Value.Name}' and {result.Value.ContactIds.Count} contacts deleted.")}");
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
