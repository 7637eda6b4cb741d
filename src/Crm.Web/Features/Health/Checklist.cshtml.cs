using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Health;

/// <summary><c>/admin/health/checklist</c>: the seed's security checklist with each line's live status.</summary>
public sealed class SecurityChecklistPage(ReadSecurityChecklist read) : PageModel
{
    public IReadOnlyList<ChecklistLine> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Lines = result.Value;
        return Page();
    }
}
