using System.Linq.Expressions;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Memos;

/// <summary>
/// Feeds the permission engine the facts its memo rules read (author, recipient, stage) and adds
/// what a memo's people need beyond them: the recipient sees a memo addressed to them (they must
/// read what they review), and a draft is seen by its author only. Lists get the same answer in
/// SQL: the engine's filter with the author rule, OR recipient-and-not-draft, AND not-a-draft-of-someone-else.
/// </summary>
public sealed class MemoVisibility(RecordAccess access)
{
    public Task<Expression<Func<Memo, bool>>> RowFilterAsync(Actor actor, CancellationToken cancellationToken) =>
        access.VisibleAsync<Memo>(actor, CrmModules.Memos.Key, me => new RowRules<Memo>(new Dictionary<string, Expression<Func<Memo, bool>>>
        {
            ["memo-author-sees"] = m => m.AuthorId == me,
        })
        {
            AlsoVisible = m => m.RecipientId == me && !m.IsDraft,
            OnlyIf = m => !m.IsDraft || m.AuthorId == me,
        }, cancellationToken);

    public async Task<MemoRights?> RightsAsync(Actor actor, Memo memo, CancellationToken cancellationToken)
    {
        var module = CrmModules.Memos.Key;
        var facts = await access.FactsAsync(module, memo.Id, memo.OwnerId, memo.DepartmentId, cancellationToken) with
        {
            Relations = new Dictionary<string, IReadOnlyCollection<Guid>>
            {
                [RecordRelation.Author] = [memo.AuthorId],
                [RecordRelation.Recipient] = [memo.RecipientId],
            },
            State = new Dictionary<string, string> { [CrmModules.MemoStage] = MemoTexts.Of(memo.Stage) },
        };
        var me = actor.UserId;
        var isAuthor = me == memo.AuthorId;
        if (memo.IsDraft && !isAuthor)
        {
            return null;
        }

        var view = (await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed
            || (me == memo.RecipientId && !memo.IsDraft);
        if (!view)
        {
            return null;
        }

        async Task<bool> Can(string action) => !actor.IsPreview && (await access.DecideAsync(actor, module, action, facts, cancellationToken)).Allowed;
        return new MemoRights(
            await Can(PermissionAction.Edit),
            await Can(PermissionAction.Delete),
            !memo.IsDraft && memo.Stage != MemoStage.Reviewed && await Can(PermissionAction.Review));
    }
}

public sealed record MemoRights(bool Edit, bool Delete, bool Review);

/// <summary>How memo stages are spelled in the API and the engine's state ("pending", "postponed", "reviewed").</summary>
public static class MemoTexts
{
    public static string Of(MemoStage stage) => stage switch
    {
        MemoStage.Postponed => "postponed",
        MemoStage.Reviewed => CrmModules.MemoReviewed,
        _ => "pending",
    };

    public static string Label(MemoStage stage) => stage switch
    {
        MemoStage.Postponed => "Postponed",
        MemoStage.Reviewed => "Reviewed",
        _ => "Pending",
    };

    public static MemoStage? Stage(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "pending" => MemoStage.Pending,
        "postponed" => MemoStage.Postponed,
        "reviewed" => MemoStage.Reviewed,
        _ => null,
    };
}
