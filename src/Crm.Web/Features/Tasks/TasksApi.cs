using System.Text.Json;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

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
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListTasks")
            .WithSummary("The tasks you may view (your scope and those you are responsible for): filter by status (open = not done or cancelled), priority, responsible (a user ID or me), related record, parent; search by title; sort by title or id; keyset-paged.");

        tasks.MapExport("ExportTasks", "tasks", async (string? format, string? search, string? status, string? priority, string? responsible, string? relatedModule, int? relatedId, int? parentId,
                string? sort, HttpContext http, ExportTasks export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new TaskQuery(search, status, priority, responsible, relatedModule, relatedId, parentId, sort), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        tasks.MapGet("/{id:int}", async (int id, HttpContext http, ReadTask read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(new { task = view.Task, subTasks = view.SubTasks })))
            .WithName("GetTask")
            .WithSummary("One task with its sub-tasks; 404 when it does not exist or you may not view it.");

        tasks.MapPost("", async (TaskRequest body, HttpContext http, SaveTask save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body.ToInput(), TaskFields.All, cancellationToken))
                    .ToHttp(t => Results.Created($"/api/v1/tasks/{t.Id}", t)))
            .WithName("CreateTask")
            .WithSummary("Adds a task; you own it, and you are responsible for it unless responsibleIds names others.");

        tasks.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveTask save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<TaskRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var given = patch.Value!;
                var fields = TaskFields.None;
                foreach (var (name, field) in s_fields)
                {
                    fields |= given.Has(name) ? field : TaskFields.None;
                }

                return (await save.RunAsync(http.Actor(), id, given.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<TaskRequest>("application/json")
            .WithName("UpdateTask")
            .WithSummary("Changes the fields present in the body (null clears); `version` is required, 409 if someone else saved first.");

        tasks.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteTask delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteTask")
            .WithSummary("Deletes the task with its sub-tasks and files.");

        tasks.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, DeleteTask delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new { i.TaskId, i.Title, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal })))
            .WithName("GetTaskDeleteImpact")
            .WithSummary("What deleting the task would delete with it.");

        return api;
    }

    private static readonly (string Name, TaskFields Field)[] s_fields =
    [
        ("title", TaskFields.Title), ("description", TaskFields.Description), ("dueDate", TaskFields.DueDate), ("priority", TaskFields.Priority),
        ("status", TaskFields.Status), ("responsibleIds", TaskFields.Responsible), ("parentId", TaskFields.Parent),
        ("relatedModule", TaskFields.Related), ("relatedId", TaskFields.Related),
    ];

    public sealed record TaskRequest(string? Title, string? Description, string? DueDate, string? Priority, string? Status, IReadOnlyList<Guid>? ResponsibleIds,
        int? ParentId, string? RelatedModule, int? RelatedId, int? Version)
    {
        public TaskInput ToInput() => new(Title, Description, DueDate, Priority, Status, ResponsibleIds, ParentId, RelatedModule, RelatedId, Version);
    }
}
