using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Groups;

public sealed class GroupsPage(ListGroups list) : PageModel
{
    public IReadOnlyList<GroupSummary> Groups { get; private set; } = [];

    /// <summary>The group just saved, named in the confirmation.</summary>
    public GroupSummary? Saved { get; private set; }
    public bool Deleted { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? saved, bool deleted, CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Groups = result.Value;
        Saved = Groups.FirstOrDefault(g => g.Id == saved);
        Deleted = deleted;
        return Page();
    }
}
