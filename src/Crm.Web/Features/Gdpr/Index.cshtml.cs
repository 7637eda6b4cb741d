using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Gdpr;

/// <summary><c>/admin/gdpr</c>: the register of rights requests with their deadlines and overdue / due-soon flags.</summary>
public sealed class GdprRegisterPage(ListGdprRequests list, GdprDeadlines deadlines) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Show { get; set; }

    public IReadOnlyList<GdprRequestView> Requests { get; private set; } = [];

    public GdprDueCounts Due { get; private set; } = new(0, 0);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Show = ListGdprRequests.Shows.Contains(Show ?? "") ? Show : "open";
        var result = await list.RunAsync(HttpContext.Actor(), Show, cancellationToken);
        if (!result.IsOk)
        {
            return result.Outcome == Outcome.Forbidden ? Forbid() : NotFound();
        }

        Requests = result.Value;
        Due = await deadlines.CountAsync(cancellationToken);
        return Page();
    }
}
