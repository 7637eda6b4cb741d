using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Email;

/// <summary>Sends a test email to the signed-in administrator and shows the server's answer.</summary>
public sealed class TestEmailPage(SendTestEmail send) : PageModel
{
    public TestEmailOutcome? Outcome { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await send.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return result.Outcome == Web.Outcome.Forbidden ? Forbid() : BadRequest();
        }

        Outcome = result.Value;
        return Page();
    }
}
