using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Audit;

public sealed class HistoryPageModel(ReadHistory read) : PageModel
{
    public HistoryPage View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string module, int id, string? before, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), module, id, before, null, cancellationToken);
        if (found.Outcome == Web.Outcome.Invalid)
        {
            return BadRequest();
        }

        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        return Page();
    }
}
