using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Departments;

public sealed class DeleteDepartmentPage(ReadDepartment read, DeleteDepartment delete) : PageModel
{
    public DepartmentView Department { get; private set; } = null!;

    /// <summary>Why the delete would be refused, said before the administrator tries.</summary>
    public string? Blocker { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/departments?deleted=true");
        }

        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        result.CopyTo(ModelState);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return found.Outcome == Outcome.NotFound ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
        }

        Department = found.Value;
        Blocker = DeleteDepartment.DescribeBlockers(Department.Name, Department.SubDepartmentCount, Department.MemberCount);
        return null;
    }
}
