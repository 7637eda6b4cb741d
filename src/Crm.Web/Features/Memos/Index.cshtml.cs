using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Memos;

public sealed class MemosPage(ListMemos list, RecordAccess access) : RecordListPage<MemoListItem>(access, CrmModules.Memos)
{
    [ListFilter] public string? Stage { get; set; }
    [ListFilter] public string? Box { get; set; }

    public ListPage<MemoListItem> Memos => List;

    protected override Task<Result<ListPage<MemoListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new MemoQuery(Search, Stage, Box, Sort, Cursor, PageSize), cancellationToken);
}
