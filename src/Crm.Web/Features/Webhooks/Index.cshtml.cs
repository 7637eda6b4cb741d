using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Webhooks;

/// <summary>The endpoints with their health (administrators only, by the /admin convention).</summary>
public sealed class WebhooksPage(ListWebhooks list) : PageModel
{
    public IReadOnlyList<WebhookSummary> Endpoints { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Endpoints = result.Value;
        return Page();
    }
}
