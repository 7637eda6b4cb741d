using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>
/// The current task list as CSV or xlsx: the tasks the list shows (the actor's scope plus those
/// they are responsible for), with its filters and sort. Export permission; hidden fields left out; logged and audited.
/// </summary>
public sealed class ExportTasks(ListTasks list, ListExports exports, RecordLookups lookups)
{
    public const string ActivityKind = "tasks-exported";

    /// <summary>The columns; a parent or related record the actor may not view (not in <paramref name="visible"/>) is left empty, as the list shows it.</summary>
    private static ExportColumn<ListTasks.Row>[] Columns(IReadOnlySet<(string Module, int Id)> visible) =>
    [
        new("id", "ID", t => t.Id.ToString(CultureInfo.InvariantCulture)),
        new("title", "Title", t => t.Title),
        new("dueDate", "Due", t => t.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("priority", "Priority", t => TaskTexts.Of(t.Priority)),
        new("status", "Status", t => TaskTexts.Of(t.Status)),
        new("related", "Related", t => t is { RelatedModule: { } module, RelatedId: { } related } && visible.Contains((module, related)) ? $"{module} ID {related}" : null),
        new("parentId", "Parent task", t => t.ParentId is { } parent && visible.Contains((CrmModules.Tasks.Key, parent)) ? parent.ToString(CultureInfo.InvariantCulture) : null),
        new("owner", "Owner", t => t.OwnerName),
    ];

    public Task<Result<TableExport>> RunAsync(Actor actor, TaskQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Tasks, query, format, _ => ListTasks.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            // The linked records the whole export names, decided before the rows stream (one query per module).
            var links = await filtered.Where(t => t.RelatedId != null || t.ParentId != null).Select(t => new { t.RelatedModule, t.RelatedId, t.ParentId })
                .Distinct().ToListAsync(ct);
            var visible = await lookups.VisibleAsync(actor, links.SelectMany(l => new[] { (l.RelatedModule, l.RelatedId), (CrmModules.Tasks.Key, l.ParentId) }), ct);
            return await ListExports.CountedAsync(filtered, list.Project(ListTasks.Sorts.Order(filtered, query.Sort, custom: await exports.CustomFilters.SortAsync(actor, CrmModules.Tasks.Key, query.Sort, new FieldErrors(), ct))), Columns(visible), ct);
        }, cancellationToken);
}
