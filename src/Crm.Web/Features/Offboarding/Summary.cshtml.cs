using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Offboarding;

/// <summary>What was done for a leaver, when and by whom, as a plain page that prints well (for the personnel file).</summary>
public sealed class OffboardingSummaryPage(ReadOffboarding read, TimeProvider clock) : PageModel
{
    public OffboardingState State { get; private set; } = null!;
    public DateTime PrintedAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var state = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (state.Outcome == Outcome.Forbidden)
        {
            return Forbid();
        }

        if (!state.IsOk)
        {
            return NotFound();
        }

        State = state.Value;
        PrintedAt = clock.GetUtcNow().UtcDateTime;
        return Page();
    }
}
