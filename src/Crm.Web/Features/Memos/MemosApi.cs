using Crm.Web.Features.Tasks;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Memos;

/// <summary><c>/api/v1/memos</c>: signed-in callers; the memo rules are decided inside the use cases.</summary>
public static class MemosApi
{
    public static RouteGroupBuilder MapMemosApi(this RouteGroupBuilder api)
    {
        var memos = api.MapGroup("/memos").WithTags("Memos").RequireAuthorization();

        memos.MapGet("", async (string? search, string? stage, string? box, string? sort, string? cursor, int? pageSize, HttpContext http, ListMemos list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new MemoQuery(search, stage, box, sort, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .AsRecordList<MemoListItem>(CrmModules.Memos)
            .WithName("ListMemos")
            .WithSummary("The memos you may view (your scope, those you wrote, those you review; never someone else's draft): search by title, filter by stage or box (written, to-review), sort by title or id, keyset-paged.");

        memos.MapGet("/export", async (string? format, string? search, string? stage, string? box, string? sort,
                HttpContext http, ExportMemos export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new MemoQuery(search, stage, box, sort), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(memos, "ExportMemos", "memos");

        memos.MapOwnedRecordEdits(
            new OwnedRecordEdits<MemoInput, MemoFields>("Memo")
            {
                GetSummary = "One memo with what you may do with it and its tasks; 404 when it does not exist or you may not view it.",
                CreateSummary = "Writes a memo to a recipient; you are its author. isDraft keeps it to yourself until you send it.",
                UpdateSummary = "Changes the fields present in the body; `version` is required. 403 once the memo is reviewed (for its author).",
                GetResponse = typeof(MemoAnswer),
            },
            get: async (ReadMemo read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(new MemoAnswer(view.Memo, view.Can, view.Tasks))),
            save: (SaveMemo save, Actor actor, int? id, MemoInput input, MemoFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: r => $"/api/v1/memos/{r.Id}");

        memos.MapPost("/{id:int}/review", async (int id, ReviewRequest body, HttpContext http, ReviewMemo review, CancellationToken cancellationToken) =>
                (await review.RunAsync(http.Actor(), id, body.Stage, body.Comment, body.Version, cancellationToken)).ToHttp())
            .WithName("ReviewMemo")
            .WithSummary("The recipient's review: stage postponed or reviewed, with an optional comment.");

        memos.MapPost("/{id:int}/tasks", async (int id, TaskInput? body, HttpContext http, CreateTaskFromMemo create, CancellationToken cancellationToken) =>
                (await create.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp(t => Results.Created($"/api/v1/tasks/{t.Id}", t)))
            .WithName("CreateTaskFromMemo")
            .WithSummary("Makes a task about the memo (title and text default to the memo's) carrying the memo's files as new file objects.");

        memos.MapRecordDelete<DeleteMemo, MemoDeleteImpact>("Memo", i => new { i.MemoId, i.Title, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal },
            "Deletes the memo with its tasks and files.",
            "What deleting the memo would delete with it.");

        return api;
    }


    public sealed record ReviewRequest(string? Stage, string? Comment, int? Version);
}
