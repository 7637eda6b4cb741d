using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Tasks;

/// <summary><c>/api/v1/tasks</c>: signed-in callers; permissions are decided inside the use cases.</summary>
public static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks").RequireAuthorization();

        tasks.MapGet("", async (string? search, string? status, string? priority, string? responsible, string? relatedModule, int? relatedId, int? parentId,
                    string? sort, string? cursor, int? pageSize, HttpContext http, ListTasks list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new TaskQuery(search, status, priority, responsible, relatedModule, relatedId, parentId, sort, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .AsRecordList<TaskListItem>(CrmModules.Tasks)
            .WithName("ListTasks")
            .WithSummary("The tasks you may view (your scope and those you are responsible for): filter by status (open = not done or cancelled), priority, responsible (a user ID or me), related record, parent; search by title; sort by title or id; keyset-paged.");

        tasks.MapGet("/export", async (string? format, string? search, string? status, string? priority, string? responsible, string? relatedModule, int? relatedId, int? parentId,
                string? sort, HttpContext http, ExportTasks export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new TaskQuery(search, status, priority, responsible, relatedModule, relatedId, parentId, sort), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(tasks, "ExportTasks", "tasks");

        tasks.MapOwnedRecordEdits(
            new OwnedRecordEdits<TaskInput, TaskFields>("Task")
            {
                GetSummary = "One task with its sub-tasks; 404 when it does not exist or you may not view it.",
                CreateSummary = "Adds a task; you own it, and you are responsible for it unless responsibleIds names others.",
                GetResponse = typeof(TaskAnswer),
            },
            get: async (ReadTask read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(new TaskAnswer(view.Task, view.SubTasks))),
            save: (SaveTask save, Actor actor, int? id, TaskInput input, TaskFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: r => $"/api/v1/tasks/{r.Id}");

        tasks.MapRecordDelete<DeleteTask, TaskDeleteImpact>("Task", i => new { i.TaskId, i.Title, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal },
            "Deletes the task with its sub-tasks and files.",
            "What deleting the task would delete with it.");

        return api;
    }
}
