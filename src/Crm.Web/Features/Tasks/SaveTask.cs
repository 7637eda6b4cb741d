using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>
/// What the task form or an API caller may set, bound straight from either (the API body, named
/// TaskRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="TaskFields"/>.
/// </summary>
[ApiSchemaName("TaskRequest")]
public sealed class TaskInput
{
    public static TaskInput Of(TaskDetails t) => new()
    {
        Title = t.Title, Description = t.Description, DueDate = t.DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Priority = t.Priority, Status = t.Status, ResponsibleIds = [.. t.Responsible.Select(p => p.Id)], ParentId = t.ParentId,
        RelatedModule = t.RelatedModule, RelatedId = t.RelatedId, Version = t.Version,
    };

    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? DueDate { get; set; }
    public string? Priority { get; set; }
    public string? Status { get; set; }
    [Display(Name = "Responsible")] public IReadOnlyList<Guid>? ResponsibleIds { get; set; }
    [Display(Name = "Parent task"), ModelBinder(typeof(RecordIdBinder))] public int? ParentId { get; set; }
    public string? RelatedModule { get; set; }
    [Display(Name = "Related record"), ModelBinder(typeof(RecordIdBinder))] public int? RelatedId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum TaskFields
{
    None = 0,
    Title = 1,
    Description = 2,
    DueDate = 4,
    Priority = 8,
    Status = 16,
    ResponsibleIds = 32,
    ParentId = 64,
    [InputProperties(nameof(TaskInput.RelatedModule), nameof(TaskInput.RelatedId))]
    Related = 128,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Adds a task (needs create; the creator owns it) or changes one (needs edit, or being
/// responsible for it, and the version read). Responsible users must be active; the parent must
/// be a visible task that is not the task itself or one of its sub-tasks; the related record must
/// be visible to the actor, in any module that has a lookup.
/// </summary>
public sealed class SaveTask(CrmDb db, RecordEditing editing, TaskVisibility visibility, RecordLookups lookups, TimeProvider clock)
    : ISaveRecord<TaskInput, TaskFields, TaskDetails>
{
    public const int MaxResponsible = 20;

    private readonly RecordEditRules<CrmTask> _rules = new(CrmModules.Tasks.Key, "task", "You may not add tasks.")
    {
        Load = tasks => tasks.Include(t => t.Responsible),
        Rights = TaskLookup.RightsOf(visibility),
    };

    public async Task<Result<TaskDetails>> RunAsync(Actor actor, int? id, TaskInput input, TaskFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<TaskDetails>();
        }

        var task = opened.Value.Record;
        fields = task is null ? TaskFields.All : fields;

        var errors = new FieldErrors();
        var title = fields.HasFlag(TaskFields.Title) ? Clean(input.Title) : task!.Title;
        var description = fields.HasFlag(TaskFields.Description) ? Clean(input.Description) : task?.Description;
        errors.Text("title", "Title", title, CrmTask.TitleMaxLength).PlainText("title", "Title", title)
            .Text("description", "Description", description, CrmTask.DescriptionMaxLength, required: false).PlainText("description", "Description", description, singleLine: false);

        var due = task?.DueDate;
        if (fields.HasFlag(TaskFields.DueDate))
        {
            due = null;
            if (Clean(input.DueDate) is { } text)
            {
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    due = parsed;
                }
                else
                {
                    errors.Add("dueDate", "The due date must be a date like 2026-12-31.");
                }
            }
        }

        var priority = task?.Priority ?? TaskPriority.Normal;
        if (fields.HasFlag(TaskFields.Priority) && (id is not null || Clean(input.Priority) is not null))
        {
            if (TaskTexts.Priority(input.Priority) is { } p)
            {
                priority = p;
            }
            else
            {
                errors.Add("priority", "Priority is \"low\", \"normal\" or \"high\".");
            }
        }

        var status = task?.Status ?? TaskState.Open;
        if (fields.HasFlag(TaskFields.Status) && (id is not null || Clean(input.Status) is not null))
        {
            if (TaskTexts.State(input.Status) is { } s)
            {
                status = s;
            }
            else
            {
                errors.Add("status", "Status is \"open\", \"in-progress\", \"done\" or \"cancelled\".");
            }
        }

        var responsible = task?.Responsible.Select(r => r.UserId).ToList() ?? [];
        if (fields.HasFlag(TaskFields.ResponsibleIds))
        {
            responsible = [.. (input.ResponsibleIds ?? []).Distinct()];
            if (responsible.Count == 0 && id is null && actor.UserId is { } me)
            {
                responsible = [me];
            }

            if (responsible.Count == 0)
            {
                errors.Add("responsibleIds", "Choose at least one responsible user.");
            }
            else if (responsible.Count > MaxResponsible)
            {
                errors.Add("responsibleIds", $"A task can have at most {MaxResponsible} responsible users.");
            }
            else
            {
                var active = await db.Users.Where(u => responsible.Contains(u.Id) && u.IsActive).Select(u => u.Id).ToListAsync(cancellationToken);
                var missing = responsible.Except(active).ToList();
                if (missing.Count > 0)
                {
                    errors.Add("responsibleIds", "Responsible users must be active users: " + string.Join(", ", missing) + " is not one.");
                }
            }
        }

        var parentId = task?.ParentId;
        if (fields.HasFlag(TaskFields.ParentId))
        {
            var parent = await lookups.ChooseAsync(actor, CrmModules.Tasks.Key, input.ParentId, task?.ParentId, cancellationToken);
            parentId = parent.Id;
            if (parent.Refused)
            {
                errors.Add("parentId", $"Task ID {input.ParentId} does not exist or is not visible to you.");
            }
            else if (input.ParentId is { } given && task is not null && given != task.ParentId && await CreatesCycleAsync(task.Id, given, cancellationToken))
            {
                errors.Add("parentId", "A task cannot be a sub-task of itself or of one of its own sub-tasks.");
            }
        }

        var relatedModule = task?.RelatedModule;
        var relatedId = task?.RelatedId;
        if (fields.HasFlag(TaskFields.Related))
        {
            var module = Clean(input.RelatedModule);
            if ((module is null) != (input.RelatedId is null))
            {
                errors.Add("relatedId", "Give both the module and the ID of the related record, or neither.");
            }
            else if (module == CrmModules.Files.Key || (module == CrmModules.Tasks.Key && input.RelatedId is not null && input.RelatedId == task?.Id))
            {
                errors.Add("relatedId", $"There is no record {module} ID {input.RelatedId} that you may see.");
            }
            else
            {
                var related = await lookups.ChooseAsync(actor, (module, input.RelatedId), (task?.RelatedModule, task?.RelatedId), cancellationToken);
                (relatedModule, relatedId) = related.Id is null ? (null, null) : (related.Module, related.Id);
                if (related.Refused)
                {
                    errors.Add("relatedId", $"There is no record {module} ID {input.RelatedId} that you may see.");
                }
            }
        }

        if (errors.Any)
        {
            return Result<TaskDetails>.Invalid(errors);
        }

        // The creator owns the task; the owner changes only by a transfer.
        task = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, task, input.Version, task?.OwnerId ?? actor.UserId!.Value, ownerChanges: false, cancellationToken);
        task.Title = title!;
        task.Description = description;
        task.DueDate = due;
        task.Priority = priority;
        task.Status = status;
        task.ParentId = parentId;
        task.RelatedModule = relatedModule;
        task.RelatedId = relatedId;
        task.Responsible.RemoveAll(r => !responsible.Contains(r.UserId));
        foreach (var user in responsible.Where(u => task.Responsible.All(r => r.UserId != u)))
        {
            task.Responsible.Add(new TaskResponsible { UserId = user });
        }

        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<TaskDetails>.Conflict(_rules.ChangedBySomeoneElse);
        }

        return Result<TaskDetails>.Ok(await ReadTask.DetailsAsync(db, lookups, actor, task, cancellationToken));
    }

    /// <summary>Whether making <paramref name="parentId"/> the parent of <paramref name="taskId"/> closes a loop (walks up from the new parent).</summary>
    private async Task<bool> CreatesCycleAsync(int taskId, int parentId, CancellationToken cancellationToken)
    {
        var seen = new HashSet<int>();
        int? current = parentId;
        while (current is { } at && seen.Add(at))
        {
            if (at == taskId)
            {
                return true;
            }

            current = await db.Tasks.Where(t => t.Id == at).Select(t => t.ParentId).FirstOrDefaultAsync(cancellationToken);
        }

        return current is not null;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
