using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Tasks;

public sealed class TaskPage(ReadTask read, RecordAccess access) : PageModel
{
    public TaskView View { get; private set; } = null!;
    public bool Saved { get; private set; }
    public bool CanAddTask { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var found = await read.RunAsync(actor, id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        Saved = saved;
        CanAddTask = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Tasks.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        return Page();
    }
}
