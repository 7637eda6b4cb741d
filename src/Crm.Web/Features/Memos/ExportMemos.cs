using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

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

    public Task<Result<TableExport>> RunAsync(Actor actor, MemoQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Memos, query, format, _ => ListMemos.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            return await ListExports.CountedAsync(filtered, list.Project(ListMemos.Sorts.Order(filtered, query.Sort, custom: await exports.CustomFilters.SortAsync(actor, CrmModules.Memos.Key, query.Sort, new FieldErrors(), ct))), s_columns, ct);
        }, cancellationToken);
}
