using System.Globalization;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>The current list of logged emails as CSV or xlsx (export permission; hidden fields left out; logged and audited).</summary>
public sealed class ExportLoggedEmails(ListLoggedEmails list, ListExports exports)
{
    public const string ActivityKind = "emails-exported";

    private static readonly ExportColumn<LoggedEmailListItem>[] s_columns =
    [
        new("id", "ID", e => e.Id.ToString(CultureInfo.InvariantCulture)),
        new("direction", "Direction", e => e.Direction),
        new("from", "From", e => e.From),
        new("to", "To", e => e.To),
        new("subject", "Subject", e => e.Subject),
        new("sentAt", "Sent at (UTC)", e => e.SentAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        new("related", "Related", e => e.RelatedModule is null ? null : $"{e.RelatedModule} ID {e.RelatedId}"),
        new("owner", "Owner", e => e.OwnerName),
    ];

    public async Task<Result<TableExport>> RunAsync(Actor actor, LoggedEmailQuery query, string? format, CancellationToken cancellationToken)
    {
        var start = await exports.StartAsync(actor, CrmModules.Emails, format, _ => ListLoggedEmails.Validate(query), cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var rows = list.Project(ListLoggedEmails.Order(filtered, ListLoggedEmails.SortOf(query), forward: true));
        return Result<TableExport>.Ok(await exports.FinishAsync(actor, start.Value!, query with { Cursor = null, PageSize = null }, s_columns,
            await filtered.CountAsync(cancellationToken), _ => rows.AsAsyncEnumerable(), cancellationToken));
    }
}
