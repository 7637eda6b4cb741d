using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

public sealed record TaskPerson(Guid Id, string Name);

public sealed record TaskDetails(
    int Id, string Title, string? Description, DateOnly? DueDate, string Priority, string Status,
    int? ParentId, string? ParentTitle, string? RelatedModule, int? RelatedId, string? RelatedLabel, string? RelatedUrl,
    IReadOnlyList<TaskPerson> Responsible, Guid OwnerId, string OwnerName, int? DepartmentId,
    DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails;

public sealed record TaskView(TaskDetails Task, TaskRights Can, IReadOnlyList<TaskListItem> SubTasks);

/// <summary>What the API's GET of one task answers: the task and its sub-tasks.</summary>
public sealed record TaskAnswer(TaskDetails Task, IReadOnlyList<TaskListItem> SubTasks);

/// <summary>One task with its sub-tasks; outside the actor's view it is "not found". Linked records are named only if visible.</summary>
public sealed class ReadTask(CrmDb db, TaskVisibility visibility, RecordLookups lookups, ListTasks list)
{
    public async Task<Result<TaskView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null || await visibility.RightsAsync(actor, task, cancellationToken) is not { } rights)
        {
            return Result<TaskView>.NotFound();
        }

        var details = await DetailsAsync(db, lookups, actor, task, cancellationToken);
        var subTasks = await list.RunAsync(actor, new TaskQuery(ParentId: id, PageSize: ListPaging.MaxPageSize), cancellationToken);
        return Result<TaskView>.Ok(new TaskView(details, rights, subTasks.Value?.Items ?? []));
    }

    internal static async Task<TaskDetails> DetailsAsync(CrmDb db, RecordLookups lookups, Actor actor, CrmTask t, CancellationToken cancellationToken)
    {
        var owner = await Owners.NameAsync(db, t.OwnerId, cancellationToken);
        var responsible = await db.Users.Where(u => db.TaskResponsibles.Any(r => r.TaskId == t.Id && r.UserId == u.Id))
            .OrderBy(u => u.FullName).ThenBy(u => u.Id).Select(u => new TaskPerson(u.Id, u.FullName)).ToListAsync(cancellationToken);
        var parent = t.ParentId is { } parentId ? await lookups.FindAsync(actor, Security.Permissions.CrmModules.Tasks.Key, parentId, cancellationToken) : null;
        var related = t.RelatedModule is { } module && t.RelatedId is { } relatedId ? await lookups.FindAsync(actor, module, relatedId, cancellationToken) : null;
        return new TaskDetails(t.Id, t.Title, t.Description, t.DueDate, TaskTexts.Of(t.Priority), TaskTexts.Of(t.Status),
            parent?.Id, parent?.Label, related?.Module, related?.Id, related?.Label, related?.Url,
            responsible, t.OwnerId, owner, t.DepartmentId, t.CreatedAt, t.CreatedById, t.ModifiedAt, t.ModifiedById, t.Version);
    }
}
