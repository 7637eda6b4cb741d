using Crm.Web.Data;
using Crm.Web.Features.Tasks;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

public sealed record MemoDetails(
    int Id, string Title, string Body, Guid AuthorId, string AuthorName, Guid RecipientId, string RecipientName, string Stage, bool IsDraft,
    string? ReviewComment, DateTime? ReviewedAt, string? RelatedModule, int? RelatedId, string? RelatedLabel, string? RelatedUrl,
    Guid OwnerId, int? DepartmentId, DateTime CreatedAt, DateTime ModifiedAt, int Version);

public sealed record MemoView(MemoDetails Memo, MemoRights Can, bool CanCreateTask, IReadOnlyList<TaskListItem> Tasks);

/// <summary>What the API's GET of one memo answers: the memo, what the caller may do with it, and its tasks.</summary>
public sealed record MemoAnswer(MemoDetails Memo, MemoRights Can, IReadOnlyList<TaskListItem> Tasks);

/// <summary>One memo with the tasks made from it; outside the actor's view (or someone else's draft) it is "not found".</summary>
public sealed class ReadMemo(CrmDb db, MemoVisibility visibility, RecordLookups lookups, RecordAccess access, ListTasks tasks)
{
    public async Task<Result<MemoView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var memo = await db.Memos.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (memo is null || await visibility.RightsAsync(actor, memo, cancellationToken) is not { } rights)
        {
            return Result<MemoView>.NotFound();
        }

        var details = await DetailsAsync(db, lookups, actor, memo, cancellationToken);
        var canCreateTask = !actor.IsPreview && !memo.IsDraft && (await access.DecideAsync(actor, CrmModules.Tasks.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        var related = await tasks.RunAsync(actor, new TaskQuery(RelatedModule: CrmModules.Memos.Key, RelatedId: id, PageSize: ListPaging.MaxPageSize), cancellationToken);
        return Result<MemoView>.Ok(new MemoView(details, rights, canCreateTask, related.Value?.Items ?? []));
    }

    internal static async Task<MemoDetails> DetailsAsync(CrmDb db, RecordLookups lookups, Actor actor, Memo m, CancellationToken cancellationToken)
    {
        var names = await db.Users.Where(u => u.Id == m.AuthorId || u.Id == m.RecipientId).ToDictionaryAsync(u => u.Id, u => u.FullName, cancellationToken);
        var related = m.RelatedModule is { } module && m.RelatedId is { } relatedId ? await lookups.FindAsync(actor, module, relatedId, cancellationToken) : null;
        return new MemoDetails(m.Id, m.Title, m.Body, m.AuthorId, names.GetValueOrDefault(m.AuthorId, "(deleted user)"), m.RecipientId,
            names.GetValueOrDefault(m.RecipientId, "(deleted user)"), MemoTexts.Of(m.Stage), m.IsDraft, m.ReviewComment, m.ReviewedAt,
            related?.Module, related?.Id, related?.Label, related?.Url, m.OwnerId, m.DepartmentId, m.CreatedAt, m.ModifiedAt, m.Version);
    }
}
