using System.Globalization;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>
/// The current task list as CSV or xlsx: the tasks the list shows (the actor's scope plus those
/// they are responsible for), with its filters and sort. Export permission; hidden fields left out; logged and audited.
/// </summary>
public sealed class ExportTasks(ListTasks list, ListExports exports)
{
    public const string ActivityKind = "tasks-exported";

    private static readonly ExportColumn<ListTasks.Row>[] s_columns =
    [
        new("id", "ID", t => t.Id.ToString(CultureInfo.InvariantCulture)),
        new("title", "Title", t => t.Title),
        new("dueDate", "Due", t => t.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("priority", "Priority", t => TaskTexts.Of(t.Priority)),
        new("status", "Status", t => TaskTexts.Of(t.Status)),
        new("related", "Related", t => t.RelatedModule is null ? null : $"{t.RelatedModule} ID {t.RelatedId}"),
        new("parentId", "Parent task", t => t.ParentId?.ToString(CultureInfo.InvariantCulture)),
        new("owner", "Owner", t => t.OwnerName),
    ];

    public async Task<Result<TableExport>> RunAsync(Actor actor, TaskQuery query, string? format, CancellationToken cancellationToken)
    {
        var start = await exports.StartAsync(actor, CrmModules.Tasks, format, _ => ListTasks.Validate(query), cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var rows = list.Project(ListTasks.Order(filtered, ListTasks.SortOf(query), forward: true));
        return Result<TableExport>.Ok(await exports.FinishAsync(actor, start.Value!, query with { Cursor = null, PageSize = null }, s_columns,
            await filtered.CountAsync(cancellationToken), _ => rows.AsAsyncEnumerable(), cancellationToken));
    }
}
