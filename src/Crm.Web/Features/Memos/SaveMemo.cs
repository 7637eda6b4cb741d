using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

/// <summary>
/// What the memo form or an API caller may set, bound straight from either (the API body, named
/// MemoRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="MemoFields"/>.
/// </summary>
[ApiSchemaName("MemoRequest")]
public sealed class MemoInput
{
    public static MemoInput Of(MemoDetails m) => new()
    {
        Title = m.Title, Body = m.Body, RecipientId = m.RecipientId, IsDraft = m.IsDraft, RelatedModule = m.RelatedModule, RelatedId = m.RelatedId, Version = m.Version,
    };

    public string? Title { get; set; }
    public string? Body { get; set; }
    [Display(Name = "Reviewer")] public Guid? RecipientId { get; set; }
    [Display(Name = "Draft")] public bool? IsDraft { get; set; }
    public string? RelatedModule { get; set; }
    [Display(Name = "Related record"), ModelBinder(typeof(RecordIdBinder))] public int? RelatedId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum MemoFields
{
    None = 0,
    Title = 1,
    Body = 2,
    RecipientId = 4,
    IsDraft = 8,
    [InputProperties(nameof(MemoInput.RelatedModule), nameof(MemoInput.RelatedId))]
    Related = 16,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Writes a memo (needs create; the writer is its author and owner) or changes one (needs edit:
/// the engine's rule takes that away from the author once the memo is reviewed). The recipient
/// must be an active user other than the author; the related record (usually a deal) must be visible.
/// </summary>
public sealed class SaveMemo(CrmDb db, RecordEditing editing, MemoVisibility visibility, RecordLookups lookups, TimeProvider clock)
{
    public const string Locked = "This memo has been reviewed: its author can no longer change or delete it.";

    private readonly RecordEditRules<Memo> _rules = new(CrmModules.Memos.Key, "memo", "You may not write memos.")
    {
        Rights = MemoLookup.RightsOf(visibility),
    };

    public async Task<Result<MemoDetails>> RunAsync(Actor actor, int? id, MemoInput input, MemoFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<MemoDetails>();
        }

        var memo = opened.Value.Record;
        fields = memo is null ? MemoFields.All : fields;

        var title = fields.HasFlag(MemoFields.Title) ? Clean(input.Title) : memo!.Title;
        var body = fields.HasFlag(MemoFields.Body) ? Clean(input.Body) : memo!.Body;
        var recipient = fields.HasFlag(MemoFields.RecipientId) ? input.RecipientId : memo?.RecipientId;
        var draft = fields.HasFlag(MemoFields.IsDraft) ? input.IsDraft ?? false : memo!.IsDraft;
        var relatedModule = fields.HasFlag(MemoFields.Related) ? Clean(input.RelatedModule) : memo?.RelatedModule;
        var relatedId = fields.HasFlag(MemoFields.Related) ? input.RelatedId : memo?.RelatedId;
        var author = memo?.AuthorId ?? actor.UserId!.Value;

        var errors = new FieldErrors()
            .Text("title", "Title", title, Memo.TitleMaxLength).PlainText("title", "Title", title)
            .Text("body", "Text", body, Memo.BodyMaxLength).PlainText("body", "Text", body, singleLine: false);
        if (recipient is not { } recipientId)
        {
            errors.Add("recipientId", "Choose who reviews the memo.");
        }
        else if (recipientId == author)
        {
            errors.Add("recipientId", "The reviewer must be someone other than the author.");
        }
        else if (recipientId != memo?.RecipientId && !await db.Users.AnyAsync(u => u.Id == recipientId && u.IsActive, cancellationToken))
        {
            errors.Add("recipientId", "The reviewer must be an active user.");
        }

        if (memo is not null && draft && !memo.IsDraft)
        {
            errors.Add("isDraft", "A memo that was sent cannot become a draft again.");
        }

        if ((relatedModule is null) != (relatedId is null))
        {
            errors.Add("relatedId", "Give both the module and the ID of the related record (e.g. deals and 42), or neither.");
        }
        else if (relatedModule is "memos" or "files")
        {
            errors.Add("relatedId", $"There is no record {relatedModule} ID {relatedId} that you may see.");
        }
        else if (fields.HasFlag(MemoFields.Related))
        {
            var related = await lookups.ChooseAsync(actor, (relatedModule, relatedId), (memo?.RelatedModule, memo?.RelatedId), cancellationToken);
            if (related.Refused)
            {
                errors.Add("relatedId", $"There is no record {relatedModule} ID {relatedId} that you may see.");
            }

            (relatedModule, relatedId) = related.Id is null ? (null, null) : (related.Module, related.Id);
        }

        if (errors.Any)
        {
            return Result<MemoDetails>.Invalid(errors);
        }

        // The author owns the memo they write; the owner changes only by a transfer.
        memo = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, memo, input.Version, author, ownerChanges: false, cancellationToken);
        memo.AuthorId = author;
        memo.Title = title!;
        memo.Body = body!;
        memo.RecipientId = recipient!.Value;
        memo.IsDraft = draft;
        memo.RelatedModule = relatedModule;
        memo.RelatedId = relatedId;
        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<MemoDetails>.Conflict(_rules.ChangedBySomeoneElse);
        }

        return Result<MemoDetails>.Ok(await ReadMemo.DetailsAsync(db, lookups, actor, memo, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
