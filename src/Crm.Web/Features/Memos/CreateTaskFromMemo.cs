using Crm.Web.Data;
using Crm.Web.Features.Files;
using Crm.Web.Features.Tasks;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

/// <summary>
/// Turns a memo into a task about it (seed 002): the task is related to the memo, and each of the
/// memo's files is attached to the task as a new file object referring to the same stored content
/// (so deleting either keeps the other's). One transaction: no task without its files.
/// </summary>
public sealed class CreateTaskFromMemo(CrmDb db, MemoVisibility visibility, SaveTask save, TimeProvider clock)
{
    public async Task<Result<TaskDetails>> RunAsync(Actor actor, int memoId, TaskInput? given, CancellationToken cancellationToken)
    {
        var memo = await db.Memos.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memoId, cancellationToken);
        if (memo is null || await visibility.RightsAsync(actor, memo, cancellationToken) is null)
        {
            return Result<TaskDetails>.NotFound();
        }

        if (memo.IsDraft)
        {
            return Result<TaskDetails>.Forbidden("Send the memo before making tasks from it: a draft has no tasks.");
        }

        var input = new TaskInput(
            string.IsNullOrWhiteSpace(given?.Title) ? Shorten(memo.Title) : given.Title,
            string.IsNullOrWhiteSpace(given?.Description) ? Shorten(memo.Body, CrmTask.DescriptionMaxLength) : given.Description,
            given?.DueDate, given?.Priority, given?.Status, given?.ResponsibleIds, given?.ParentId, CrmModules.Memos.Key, memoId, null);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await save.RunAsync(actor, null, input, TaskFields.All, cancellationToken);
        if (!created.IsOk)
        {
            return created;
        }

        var task = created.Value;
        var files = await db.FileObjects.AsNoTracking().Where(f => f.RelatedModule == CrmModules.Memos.Key && f.RelatedId == memoId).OrderBy(f => f.Id).ToListAsync(cancellationToken);
        FileReferences.CopyTo(db, files, CrmModules.Tasks.Key, task.Id, actor, task.OwnerId, task.DepartmentId, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    private static string Shorten(string text, int max = CrmTask.TitleMaxLength) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
