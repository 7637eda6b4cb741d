using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Tasks;

/// <summary>The model of <c>/tasks/new</c> and <c>/tasks/{id}/edit</c>.</summary>
public sealed class TaskFormPage(ReadTask read, SaveTask save, CrmDb db, RecordLookups lookups) : RecordFormPage<TaskFormPage.TaskForm, TaskView, TaskDetails>
{
    public IReadOnlyList<OwnerChoice> Users { get; private set; } = [];

    /// <summary>The modules a task can be about (those with a lookup), for the related-record field.</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey != Security.Permissions.CrmModules.Files.Key)];

    public Task<IActionResult> OnGetAsync(int? id, int? parentId, string? relatedModule, int? relatedId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new TaskForm
        {
            ParentId = parentId, RelatedModule = relatedModule, RelatedId = relatedId, ResponsibleIds = HttpContext.Actor().UserId is { } me ? [me] : [],
        }, cancellationToken);

    protected override Task<Result<TaskView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(TaskView view) => view.Can.Edit;

    protected override TaskForm Fill(TaskView view)
    {
        var t = view.Task;
        return new TaskForm
        {
            Title = t.Title, Description = t.Description, DueDate = t.DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Priority = t.Priority, Status = t.Status, ResponsibleIds = [.. t.Responsible.Select(p => p.Id)], ParentId = t.ParentId,
            RelatedModule = t.RelatedModule, RelatedId = t.RelatedId, Version = t.Version,
        };
    }

    protected override Task<Result<TaskDetails>> SaveAsync(Actor actor, int? id, TaskForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new TaskInput(form.Title, form.Description, form.DueDate, form.Priority, form.Status, form.ResponsibleIds,
            form.ParentId, form.RelatedModule, form.RelatedId, form.Version), TaskFields.All, cancellationToken);

    protected override string PageOf(TaskDetails saved) => $"/tasks/{saved.Id}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken) => Users = await OwnerChoices.ActiveAsync(db, cancellationToken);

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
