using System.Text.Json;
using Crm.Web.Features.Tasks;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Memos;

/// <summary><c>/api/v1/memos</c>: signed-in callers; the memo rules are decided inside the use cases.</summary>
public static class MemosApi
{
    public static RouteGroupBuilder MapMemosApi(this RouteGroupBuilder api)
    {
        var memos = api.MapGroup("/memos").WithTags("Memos").RequireAuthorization();

        memos.MapGet("", async (string? search, string? stage, string? box, string? sort, string? cursor, int? pageSize, HttpContext http, ListMemos list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new MemoQuery(search, stage, box, sort, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListMemos")
            .WithSummary("The memos you may view (your scope, those you wrote, those you review; never someone else's draft): search by title, filter by stage or box (written, to-review), sort by title or id, keyset-paged.");

        memos.MapExport("ExportMemos", "memos", async (string? format, string? search, string? stage, string? box, string? sort,
                HttpContext http, ExportMemos export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new MemoQuery(search, stage, box, sort), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        memos.MapGet("/{id:int}", async (int id, HttpContext http, ReadMemo read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(new { memo = view.Memo, can = view.Can, tasks = view.Tasks })))
            .WithName("GetMemo")
            .WithSummary("One memo with what you may do with it and its tasks; 404 when it does not exist or you may not view it.");

        memos.MapPost("", async (MemoRequest body, HttpContext http, SaveMemo save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body.ToInput(), MemoFields.All, cancellationToken))
                    .ToHttp(m => Results.Created($"/api/v1/memos/{m.Id}", m)))
            .WithName("CreateMemo")
            .WithSummary("Writes a memo to a recipient; you are its author. isDraft keeps it to yourself until you send it.");

        memos.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveMemo save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<MemoRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var given = patch.Value!;
                var fields = MemoFields.None;
                foreach (var (name, field) in s_fields)
                {
                    fields |= given.Has(name) ? field : MemoFields.None;
                }

                return (await save.RunAsync(http.Actor(), id, given.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<MemoRequest>("application/json")
            .WithName("UpdateMemo")
            .WithSummary("Changes the fields present in the body; `version` is required. 403 once the memo is reviewed (for its author).");

        memos.MapPost("/{id:int}/review", async (int id, ReviewRequest body, HttpContext http, ReviewMemo review, CancellationToken cancellationToken) =>
                (await review.RunAsync(http.Actor(), id, body.Stage, body.Comment, body.Version, cancellationToken)).ToHttp())
            .WithName("ReviewMemo")
            .WithSummary("The recipient's review: stage postponed or reviewed, with an optional comment.");

        memos.MapPost("/{id:int}/tasks", async (int id, TasksApi.TaskRequest? body, HttpContext http, CreateTaskFromMemo create, CancellationToken cancellationToken) =>
                (await create.RunAsync(http.Actor(), id, body?.ToInput(), cancellationToken)).ToHttp(t => Results.Created($"/api/v1/tasks/{t.Id}", t)))
            .WithName("CreateTaskFromMemo")
            .WithSummary("Makes a task about the memo (title and text default to the memo's) carrying the memo's files as new file objects.");

        memos.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteMemo delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteMemo")
            .WithSummary("Deletes the memo with its tasks and files.");

        memos.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, DeleteMemo delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new { i.MemoId, i.Title, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal })))
            .WithName("GetMemoDeleteImpact")
            .WithSummary("What deleting the memo would delete with it.");

        return api;
    }

    private static readonly (string Name, MemoFields Field)[] s_fields =
    [
        ("title", MemoFields.Title), ("body", MemoFields.Body), ("recipientId", MemoFields.Recipient), ("isDraft", MemoFields.Draft),
        ("relatedModule", MemoFields.Related), ("relatedId", MemoFields.Related),
    ];

    public sealed record MemoRequest(string? Title, string? Body, Guid? RecipientId, bool? IsDraft, string? RelatedModule, int? RelatedId, int? Version)
    {
        public MemoInput ToInput() => new(Title, Body, RecipientId, IsDraft, RelatedModule, RelatedId, Version);
    }

    public sealed record ReviewRequest(string? Stage, string? Comment, int? Version);
}
