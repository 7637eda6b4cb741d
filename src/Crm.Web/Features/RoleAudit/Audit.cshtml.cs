using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.RoleAudit;

public sealed class RoleAuditPage(RoleAuditReport report) : PageModel
{
    public RoleAuditView Report { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await report.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Report = result.Value;
        return Page();
    }
}
