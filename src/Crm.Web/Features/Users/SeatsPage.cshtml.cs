using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Users;

/// <summary>Who holds the licence's seats, idle accounts first in line for deactivation.</summary>
public sealed class SeatsPage(ListUsers listUsers, Seats seats) : PageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public int? Limit => seats.Limit;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await listUsers.RunAsync(HttpContext.Actor(), new UserListQuery(null), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Users = result.Value.Where(u => u.Kind == UserKind.Person).OrderByDescending(u => u.IsIdle).ThenBy(u => u.LastSignInAt).ToList();
        return Page();
    }
}
