using System.Globalization;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

/// <summary>
/// The current memo list as CSV or xlsx: exactly the memos the actor can see under the memo rules
/// (the list's row filter: their scope, those they wrote, those they review, never someone else's
/// draft), with the list's filters and sort. Export permission; hidden fields left out; logged and audited.
/// </summary>
public sealed class ExportMemos(ListMemos list, ListExports exports)
{
    public const string ActivityKind = "memos-exported";

    private static readonly ExportColumn<ListMemos.Row>[] s_columns =
    [
        new("id", "ID", m => m.Id.ToString(CultureInfo.InvariantCulture)),
        new("title", "Title", m => m.Title),
        new("stage", "Stage", m => MemoTexts.Of(m.Stage)),
        new("isDraft", "Draft", m => m.IsDraft ? "yes" : "no"),
        new("author", "Author", m => m.Author),
        new("recipientId", "Recipient", m => m.Recipient),
        new("createdAt", "Written at (UTC)", m => m.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
    ];

    public async Task<Result<TableExport>> RunAsync(Actor actor, MemoQuery query, string? format, CancellationToken cancellationToken)
    {
        var start = await exports.StartAsync(actor, CrmModules.Memos, format, _ => ListMemos.Validate(query), cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var rows = list.Project(ListMemos.Order(filtered, ListMemos.SortOf(query), forward: true));
        return Result<TableExport>.Ok(await exports.FinishAsync(actor, start.Value!, query with { Cursor = null, PageSize = null }, s_columns,
            await filtered.CountAsync(cancellationToken), _ => rows.AsAsyncEnumerable(), cancellationToken));
    }
}
