using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Tasks;

/// <summary>The model of <c>/tasks/new</c> and <c>/tasks/{id}/edit</c>.</summary>
public sealed class TaskFormPage(ReadTask read, SaveTask save, CrmDb db, RecordLookups lookups) : RecordFormPage<TaskInput, TaskView, TaskDetails>
{
    public IReadOnlyList<OwnerChoice> Users { get; private set; } = [];

    /// <summary>The modules a task can be about (those with a lookup), for the related-record field.</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey != Security.Permissions.CrmModules.Files.Key)];

    public Task<IActionResult> OnGetAsync(int? id, int? parentId, string? relatedModule, int? relatedId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new TaskInput
        {
            Priority = "normal", Status = "open", ParentId = parentId, RelatedModule = relatedModule, RelatedId = relatedId, ResponsibleIds = HttpContext.Actor().UserId is { } me ? [me] : [],
        }, cancellationToken);

    protected override Task<Result<TaskView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(TaskView view) => view.Can.Edit;

    protected override TaskInput Fill(TaskView view) => TaskInput.Of(view.Task);

    protected override Task<Result<TaskDetails>> SaveAsync(Actor actor, int? id, TaskInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, TaskFields.All, cancellationToken);

    protected override string PageOf(TaskDetails saved) => $"/tasks/{saved.Id}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken) => Users = await OwnerChoices.ActiveAsync(db, cancellationToken);
}
