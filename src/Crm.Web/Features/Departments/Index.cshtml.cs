using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Departments;

public sealed class DepartmentsPage(ListDepartments list) : PageModel
{
    public IReadOnlyList<DepartmentView> Departments { get; private set; } = [];

    /// <summary>The department just saved, named in the confirmation.</summary>
    public DepartmentView? Saved { get; private set; }
    public bool Deleted { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? saved, bool deleted, CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Departments = result.Value;
        Saved = Departments.FirstOrDefault(d => d.Id == saved);
        Deleted = deleted;
        return Page();
    }

    /// <summary>Indentation steps stop at a depth a screen can still show.</summary>
    public static string DepthClass(int depth) => $"tree-depth-{Math.Min(depth, 6)}";
}
