using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Memos;

/// <summary>Memos in the global search and as link targets (a task made from a memo), by title.</summary>
public sealed class MemoLookup(CrmDb db, RecordAccess access, MemoVisibility visibility) : OwnedRecordLookup<Memo>(db, access, CrmModules.Memos)
{
    protected override Expression<Func<Memo, string>> Label => m => m.Title;

    protected override Task<Expression<Func<Memo, bool>>> VisibleAsync(Actor actor, CancellationToken cancellationToken) =>
        visibility.RowFilterAsync(actor, cancellationToken);

    protected override Expression<Func<Memo, bool>> Matches(string lowerTerm) => Memo.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } = [new("relatedId", null, "relatedModule")];

    /// <summary>A memo's rights depend on its author, recipient and stage, so each is decided as its own page decides it.</summary>
    protected override RecordRights<Memo> Rights { get; } = RightsOf(visibility);

    /// <summary>
    /// What the actor may do with a memo (<see cref="MemoVisibility"/>); its author, refused once the
    /// memo is reviewed, is told why (<see cref="SaveMemo.Locked"/>).
    /// </summary>
    public static RecordRights<Memo> RightsOf(MemoVisibility visibility) => async (actor, memo, action, cancellationToken) =>
        RecordDecision.Of(await visibility.RightsAsync(actor, memo, cancellationToken), rights => action switch
        {
            PermissionAction.View => true,
            PermissionAction.Edit => rights.Edit,
            PermissionAction.Delete => rights.Delete,
            PermissionAction.Review => rights.Review,
            _ => false,
        }, memo.Stage == MemoStage.Reviewed && memo.AuthorId == actor.UserId ? SaveMemo.Locked : null);
}
