using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Exports;

public sealed class ExportsPage(ListExportLog list, Data.CrmDb db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public Guid? UserFilter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Module { get; set; }
    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public ExportLogPage Result { get; private set; } = new([], null);
    public IReadOnlyList<(Guid Id, string Name)> Users { get; private set; } = [];
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var found = await list.RunAsync(HttpContext.Actor(), new ExportLogQuery(UserFilter, Module, Before), cancellationToken);
        if (found.Outcome == Web.Outcome.Forbidden)
        {
            return Forbid();
        }

        if (!found.IsOk)
        {
            Problem = string.Join(" ", found.Errors.Values.SelectMany(v => v));
        }

        Result = found.Value ?? new([], null);
        Users = (await db.Users.AsNoTracking().OrderBy(u => u.FullName).Select(u => new { u.Id, u.FullName }).ToListAsync(cancellationToken))
            .Select(u => (u.Id, u.FullName)).ToList();
        return Page();
    }

    public string NextLink(string cursor) => $"?user={UserFilter}&module={Uri.EscapeDataString(Module ?? "")}&before={cursor}";
}
