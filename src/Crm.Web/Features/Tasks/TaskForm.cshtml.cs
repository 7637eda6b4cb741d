using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Tasks;

/// <summary>The model of <c>/tasks/new</c> and <c>/tasks/{id}/edit</c>.</summary>
public sealed class TaskFormPage(ReadTask read, SaveTask save, CrmDb db, RecordLookups lookups) : PageModel
{
    [BindProperty]
    public TaskForm Input { get; set; } = new();

    public int? Id { get; private set; }

    public IReadOnlyList<OwnerChoice> Users { get; private set; } = [];

    /// <summary>The modules a task can be about (those with a lookup), for the related-record field.</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey != Security.Permissions.CrmModules.Files.Key)];

    public async Task<IActionResult> OnGetAsync(int? id, int? parentId, string? relatedModule, int? relatedId, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            if (!found.Value!.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            var t = found.Value.Task;
            Input = new TaskForm
            {
                Title = t.Title, Description = t.Description, DueDate = t.DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Priority = t.Priority, Status = t.Status, ResponsibleIds = [.. t.Responsible.Select(p => p.Id)], ParentId = t.ParentId,
                RelatedModule = t.RelatedModule, RelatedId = t.RelatedId, Version = t.Version,
            };
        }
        else
        {
            Input = new TaskForm { ParentId = parentId, RelatedModule = relatedModule, RelatedId = relatedId, ResponsibleIds = HttpContext.Actor().UserId is { } me ? [me] : [] };
        }

        Users = await OwnerChoices.ActiveAsync(db, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var input = new TaskInput(Input.Title, Input.Description, Input.DueDate, Input.Priority, Input.Status, Input.ResponsibleIds,
                Input.ParentId, Input.RelatedModule, Input.RelatedId, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, TaskFields.All, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/tasks/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        Users = await OwnerChoices.ActiveAsync(db, cancellationToken);
        return Page();
    }

    public sealed class TaskForm
    {
        [Display(Name = "Title")]
        public string? Title { get; set; }

        [Display(Name = "Description")]
        public string? Description { get; set; }

        [Display(Name = "Due date")]
        public string? DueDate { get; set; }

        [Display(Name = "Priority")]
        public string? Priority { get; set; } = "normal";

        [Display(Name = "Status")]
        public string? Status { get; set; } = "open";

        [Display(Name = "Responsible")]
        public List<Guid> ResponsibleIds { get; set; } = [];

        [Display(Name = "Parent task"), ModelBinder(typeof(RecordIdBinder))]
        public int? ParentId { get; set; }

        [Display(Name = "Related module")]
        public string? RelatedModule { get; set; }

        [Display(Name = "Related record"), ModelBinder(typeof(RecordIdBinder))]
        public int? RelatedId { get; set; }

        public int? Version { get; set; }
    }
}
