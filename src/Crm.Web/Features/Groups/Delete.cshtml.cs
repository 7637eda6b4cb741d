using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Groups;

public sealed class DeleteGroupPage(ReadGroup read, DeleteGroup delete) : PageModel
{
    public GroupView Group { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return found.Outcome == Outcome.NotFound ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }

        Group = found.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.Outcome switch
        {
            Outcome.Ok => Redirect("/admin/groups?deleted=true"),
            Outcome.NotFound => NotFound(),
            _ => StatusCode(StatusCodes.Status403Forbidden),
        };
    }
}
