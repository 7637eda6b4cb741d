using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Users;

public sealed class UsersPage(ListUsers listUsers, Seats seats) : PageModel
{
    [FromQuery(Name = "search")]
    public string? Search { get; set; }

    [FromQuery(Name = "status")]
    public UserStatusFilter Status { get; set; } = UserStatusFilter.Active;

    [FromQuery(Name = "idle")]
    public bool Idle { get; set; }

    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public int SeatsUsed { get; private set; }
    public int? SeatLimit => seats.Limit;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await listUsers.RunAsync(HttpContext.Actor(), new UserListQuery(Search, Status, Idle), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Users = result.Value;
        SeatsUsed = await seats.UsedAsync(cancellationToken);
        return Page();
    }
}
