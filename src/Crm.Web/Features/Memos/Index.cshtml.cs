using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Memos;

public sealed class MemosPage(ListMemos list, RecordAccess access) : RecordListPage<MemoListItem>(access, CrmModules.Memos)
{
    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Box { get; set; }

    public ListPage<MemoListItem> Memos => List;

    protected override Task<Result<ListPage<MemoListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new MemoQuery(Search, Stage, Box, Sort, Cursor, PageSize), cancellationToken);

    protected override IEnumerable<KeyValuePair<string, string?>> Filters =>
    [
        new("stage", Given(Stage)),
        new("box", Given(Box)),
    ];
}
