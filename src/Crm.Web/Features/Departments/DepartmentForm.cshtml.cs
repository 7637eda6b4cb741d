using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Departments;

/// <summary>The model of both <c>/admin/departments/new</c> and <c>/admin/departments/{id}/edit</c>: one form, two addresses.</summary>
public sealed class DepartmentFormPage(ReadDepartment read, ListDepartments list, SaveDepartment save) : PageModel
{
    [BindProperty]
    public DepartmentForm Input { get; set; } = new();

    /// <summary>Null while adding a department.</summary>
    public int? Id { get; private set; }

    /// <summary>Possible parents: every department except, when editing, this one and those under it.</summary>
    public IReadOnlyList<DepartmentView> ParentChoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int? id, int? parent, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return found.Outcome == Outcome.NotFound ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
            }

            Input = new DepartmentForm { Name = found.Value.Name, ParentId = found.Value.ParentId, Email = found.Value.Email };
        }
        else
        {
            Input.ParentId = parent;
        }

        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        // A parent that is not a number never reaches the use case: binding already said why.
        if (ModelState.IsValid)
        {
            var result = await save.RunAsync(HttpContext.Actor(), id, new DepartmentInput(Input.Name, Input.ParentId, Input.Email),
                DepartmentFields.All, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/admin/departments?saved={result.Value.Id}");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    private async Task LoadChoicesAsync(CancellationToken cancellationToken)
    {
        var all = (await list.RunAsync(HttpContext.Actor(), cancellationToken)).Value ?? [];
        var choices = new List<DepartmentView>(all.Count);
        int? skipBelowDepth = null;
        foreach (var department in all)
        {
            // In tree order a department's sub-departments follow it, deeper, until the depth comes back up.
            if (skipBelowDepth is { } depth && department.Depth > depth)
            {
                continue;
            }

            skipBelowDepth = null;
            if (department.Id == Id)
            {
                skipBelowDepth = department.Depth;
                continue;
            }

            choices.Add(department);
        }

        ParentChoices = choices;
    }

    public sealed class DepartmentForm
    {
        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Display(Name = "Parent department")]
        public int? ParentId { get; set; }

        [Display(Name = "Email")]
        public string? Email { get; set; }
    }
}
