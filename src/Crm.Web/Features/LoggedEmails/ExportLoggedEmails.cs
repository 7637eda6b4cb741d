using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>The current list of logged emails as CSV or xlsx (export permission; hidden fields left out; logged and audited).</summary>
public sealed class ExportLoggedEmails(ListLoggedEmails list, ListExports exports, RecordLookups lookups)
{
    public const string ActivityKind = "emails-exported";

    /// <summary>The columns; a related record the actor may not view (not in <paramref name="visible"/>) is left empty, as the list shows it.</summary>
    private static ExportColumn<LoggedEmailListItem>[] Columns(IReadOnlySet<(string Module, int Id)> visible) =>
    [
        new("id", "ID", e => e.Id.ToString(CultureInfo.InvariantCulture)),
        new("direction", "Direction", e => e.Direction),
        new("from", "From", e => e.From),
        new("to", "To", e => e.To),
        new("subject", "Subject", e => e.Subject),
        new("sentAt", "Sent at (UTC)", e => e.SentAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        new("related", "Related", e => e is { RelatedModule: { } module, RelatedId: { } related } && visible.Contains((module, related)) ? $"{module} ID {related}" : null),
        new("owner", "Owner", e => e.OwnerName),
    ];

    public Task<Result<TableExport>> RunAsync(Actor actor, LoggedEmailQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Emails, query, format, _ => ListLoggedEmails.Validate(query), async ct =>
        {
            var filtered = await list.FilteredAsync(actor, query, ct);
            // The related records the whole export names, decided before the rows stream (one query per module).
            var links = await filtered.Where(e => e.RelatedId != null).Select(e => new { e.RelatedModule, e.RelatedId }).Distinct().ToListAsync(ct);
            var visible = await lookups.VisibleAsync(actor, links.Select(l => (l.RelatedModule, l.RelatedId)), ct);
            return await ListExports.CountedAsync(filtered, list.Project(ListLoggedEmails.Sorts.Order(filtered, query.Sort)), Columns(visible), ct);
        }, cancellationToken);
}
