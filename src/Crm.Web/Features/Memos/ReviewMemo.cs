using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

/// <summary>
/// The recipient's answer: postponed (to come back to) or reviewed (final: from then on the author
/// can no longer change or delete the memo). Needs the engine's review right, which the recipient
/// has until the memo is reviewed; a draft cannot be reviewed.
/// </summary>
public sealed class ReviewMemo(CrmDb db, MemoVisibility visibility, RecordLookups lookups, TimeProvider clock)
{
    public async Task<Result<MemoDetails>> RunAsync(Actor actor, int id, string? stage, string? comment, int? version, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<MemoDetails>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var memo = await db.Memos.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (memo is null || await visibility.RightsAsync(actor, memo, cancellationToken) is not { } rights)
        {
            return Result<MemoDetails>.NotFound();
        }

        if (!rights.Review)
        {
            return Result<MemoDetails>.Forbidden(memo.IsDraft ? "A draft cannot be reviewed." : memo.Stage == MemoStage.Reviewed
                ? "This memo has already been reviewed."
                : $"Only the memo's reviewer may review memo {id}.");
        }

        var errors = new FieldErrors();
        var next = MemoTexts.Stage(stage);
        if (next is not (MemoStage.Postponed or MemoStage.Reviewed))
        {
            errors.Add("stage", "Choose \"postponed\" or \"reviewed\".");
        }

        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        errors.Text("comment", "Comment", text, Memo.CommentMaxLength, required: false).PlainText("comment", "Comment", text, singleLine: false);
        if (version is { } read && read != memo.Version)
        {
            return Result<MemoDetails>.Conflict(RecordEditRules.ChangedBySomeoneElse("memo"));
        }

        if (errors.Any)
        {
            return Result<MemoDetails>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        memo.StampModified(db, actor, now, memo.Version);
        memo.Stage = next!.Value;
        memo.ReviewComment = text;
        memo.ReviewedAt = now;
        memo.ReviewedById = actor.UserId;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<MemoDetails>.Conflict(RecordEditRules.ChangedBySomeoneElse("memo"));
        }

        return Result<MemoDetails>.Ok(await ReadMemo.DetailsAsync(db, lookups, actor, memo, cancellationToken));
    }
}
