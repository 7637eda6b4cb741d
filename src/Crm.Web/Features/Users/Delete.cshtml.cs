using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

public sealed record Receiver(Guid Id, string Name);

public sealed class DeleteUserPage(DeleteUser deleteUser, CrmDb db) : PageModel
{
    [BindProperty]
    public Guid? ReassignTo { get; set; }

    public DeletionImpact Impact { get; private set; } = null!;
    public IReadOnlyList<Receiver> Receivers { get; private set; } = [];
    public string? ReassignToError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await deleteUser.RunAsync(HttpContext.Actor(), id, ReassignTo, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/users?deleted=1");
        }

        if (result.Outcome == Outcome.NotFound || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        ReassignToError = result.Errors.TryGetValue("reassignTo", out var messages) ? string.Join(" ", messages) : null;
        if (ReassignToError is null)
        {
            ModelState.AddModelError("", result.Message ?? "The user could not be deleted.");
        }

        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var impact = await deleteUser.ImpactAsync(HttpContext.Actor(), id, cancellationToken);
        if (!impact.IsOk)
        {
            return false;
        }

        Impact = impact.Value;
        Receivers = await db.Users.Where(u => u.IsActive && u.Id != id).OrderBy(u => u.FullName)
            .Select(u => new Receiver(u.Id, u.FullName + " <" + u.Email + ">")).ToListAsync(cancellationToken);
        return true;
    }
}
