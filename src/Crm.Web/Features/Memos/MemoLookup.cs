using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

/// <summary>Memos in the global search and as link targets (a task made from a memo), by title.</summary>
public sealed class MemoLookup(CrmDb db, RecordAccess access, MemoVisibility visibility) : OwnedRecordLookup<Memo>(db, access)
{
    public override string ModuleKey => CrmModules.Memos.Key;

    public override string Title => "Memos";

    public override string PageOf(int id) => $"/memos/{id}";

    protected override Expression<Func<Memo, string>> Label => m => m.Title;

    protected override Task<Expression<Func<Memo, bool>>> VisibleAsync(Actor actor, CancellationToken cancellationToken) =>
        visibility.RowFilterAsync(actor, cancellationToken);

    protected override Expression<Func<Memo, bool>> Matches(string lowerTerm) => Memo.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } = [new("relatedId", null, "relatedModule")];

    /// <summary>A memo's rights depend on its author, recipient and stage, so each is decided as its own page decides it.</summary>
    public override async Task<IReadOnlySet<int>> PermittedAsync(Actor actor, string action, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        if (action == PermissionAction.View)
        {
            return await base.PermittedAsync(actor, action, ids, cancellationToken);
        }

        var list = ids.ToList();
        var permitted = new HashSet<int>();
        foreach (var memo in await Db.Memos.AsNoTracking().Where(m => list.Contains(m.Id)).ToListAsync(cancellationToken))
        {
            if (await visibility.RightsAsync(actor, memo, cancellationToken) is { } rights
                && (action == PermissionAction.View || (action == PermissionAction.Edit && rights.Edit) || (action == PermissionAction.Delete && rights.Delete)
                    || (action == PermissionAction.Review && rights.Review)))
            {
                permitted.Add(memo.Id);
            }
        }

        return permitted;
    }
}
