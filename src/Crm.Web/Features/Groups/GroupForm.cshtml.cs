using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Groups;

/// <summary>The model of both <c>/admin/groups/new</c> and <c>/admin/groups/{id}/edit</c>: one form, two addresses.</summary>
public sealed class GroupFormPage(ReadGroup read, ListPossibleMembers possibleMembers, SaveGroup save) : PageModel
{
    [BindProperty]
    public GroupForm Input { get; set; } = new();

    /// <summary>Null while adding a group.</summary>
    public int? Id { get; private set; }

    /// <summary>Grants are edited on the group's permissions page; the form only says how many there are.</summary>
    public int GrantCount { get; private set; }

    public IReadOnlyList<GroupMemberView> People { get; private set; } = [];

    /// <summary>What saving the form would change for whom, after Preview.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return found.Outcome == Outcome.NotFound ? NotFound() : StatusCode(StatusCodes.Status403Forbidden);
            }

            Input = new GroupForm
            {
                Name = found.Value.Name,
                Description = found.Value.Description,
                MemberIds = found.Value.Members.Select(m => m.UserId).ToList(),
            };
            GrantCount = found.Value.GrantCount;
        }

        await LoadPeopleAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        // A member id that is not a GUID never reaches the use case: binding already said why.
        if (ModelState.IsValid)
        {
            var result = await save.RunAsync(HttpContext.Actor(), id, new GroupInput(Input.Name, Input.Description, Input.MemberIds),
                GroupFields.All, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/admin/groups?saved={result.Value.Id}");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        return await ShowAgainAsync(id, cancellationToken);
    }

    /// <summary>Preview, beside Save: the same save, rolled back, and who would gain or lose what.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var result = await save.PreviewAsync(HttpContext.Actor(), id, new GroupInput(Input.Name, Input.Description, Input.MemberIds),
                GroupFields.All, cancellationToken);
            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            WhatIf = result.Value;
            result.CopyTo(ModelState);
        }

        return await ShowAgainAsync(id, cancellationToken);
    }

    private async Task<IActionResult> ShowAgainAsync(int? id, CancellationToken cancellationToken)
    {

        if (id is { } existing && (await read.RunAsync(HttpContext.Actor(), existing, cancellationToken)).Value is { } current)
        {
            GrantCount = current.GrantCount;
        }

        await LoadPeopleAsync(cancellationToken);
        return Page();
    }

    public bool IsChosen(Guid userId) => Input.MemberIds.Contains(userId);

    private async Task LoadPeopleAsync(CancellationToken cancellationToken) =>
        People = (await possibleMembers.RunAsync(HttpContext.Actor(), Id, cancellationToken)).Value ?? [];

    public sealed class GroupForm
    {
        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Display(Name = "Description")]
        public string? Description { get; set; }

        [Display(Name = "Members")]
        public List<Guid> MemberIds { get; set; } = [];
    }
}
