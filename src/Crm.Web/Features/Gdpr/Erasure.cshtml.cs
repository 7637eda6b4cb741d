using System.Globalization;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Gdpr;

/// <summary>The erasure confirmation as posted: the address typed again, or the number of records when the request names no address.</summary>
public sealed class GdprErasureForm
{
    public string? ConfirmEmail { get; set; }
    public string? ConfirmCount { get; set; }
}

/// <summary>
/// <c>/admin/gdpr/{id}/erasure</c>: everything an erasure would change, record by record and field by
/// field, what it keeps, and the confirmation (the person's address typed again) that runs it.
/// </summary>
public sealed class GdprErasurePage(ReadGdprRequest read, ErasePerson erase) : PageModel
{
    public GdprRequestView Item { get; private set; } = null!;

    public GdprErasurePlan Plan { get; private set; } = null!;

    [BindProperty]
    public GdprErasureForm Confirm { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        int? count = null;
        if (GdprRequestChecks.Clean(Confirm.ConfirmCount) is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                ModelState.AddModelError("Confirm.ConfirmCount", "Give the number of records as a whole number, like 3.");
                return await LoadAsync(id, cancellationToken) ?? Page();
            }

            count = parsed;
        }

        var result = await erase.RunAsync(HttpContext.Actor(), id, new GdprErasureInput(Confirm.ConfirmEmail, count), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/gdpr/{id}");
        }

        if (result.Outcome is Outcome.NotFound or Outcome.Forbidden)
        {
            return result.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
        }

        result.CopyTo(ModelState, "Confirm");
        return await LoadAsync(id, cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var request = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!request.IsOk)
        {
            return request.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
        }

        var plan = await erase.PreviewAsync(HttpContext.Actor(), id, cancellationToken);
        if (!plan.IsOk)
        {
            return NotFound();
        }

        Item = request.Value;
        Plan = plan.Value;
        return null;
    }
}
