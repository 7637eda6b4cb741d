using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Access;

public sealed class EndPreviewPage(EndPreview endPreview) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await endPreview.RunAsync(HttpContext, cancellationToken);
        return result.IsOk ? Redirect($"/admin/users/{result.Value}") : Redirect("/");
    }
}
