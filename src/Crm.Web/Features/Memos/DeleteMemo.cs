using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Memos;

public sealed record MemoDeleteImpact(int MemoId, string Title) : IDeleteImpact
{
    /// <summary>The memo's tasks and files (and theirs), deleted with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes a memo (needs delete: the author loses it once the memo is reviewed) with its tasks and files, in one transaction.</summary>
public sealed class DeleteMemo(CrmDb db, RecordEditing editing, MemoVisibility visibility, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
    : RecordDeletion<Memo, MemoDeleteImpact>(db, editing, dependents, lookups, activity, new(
        CrmModules.Memos.Key, "memo", ActivityKind,
        (memo, also) => new MemoDeleteImpact(memo.Id, memo.Title) { Also = also },
        (id, impact, also) => WithLinkedCount("memo", id, impact.Title, also)) { Rights = MemoLookup.RightsOf(visibility) })
{
    public const string ActivityKind = "memo-deleted";
}
