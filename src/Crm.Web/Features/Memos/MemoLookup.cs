using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

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
}
