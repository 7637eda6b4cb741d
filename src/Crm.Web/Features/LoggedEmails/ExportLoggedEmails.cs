using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>The current list of logged emails as CSV (export permission; hidden fields left out; logged).</summary>
public sealed class ExportLoggedEmails(CrmDb db, ListLoggedEmails list, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const string ActivityKind = "emails-exported";

    private static readonly (string Field, string Header, Func<LoggedEmailListItem, string?> Value)[] s_columns =
    [
        ("id", "ID", e => e.Id.ToString(CultureInfo.InvariantCulture)),
        ("direction", "Direction", e => e.Direction),
        ("from", "From", e => e.From),
        ("to", "To", e => e.To),
        ("subject", "Subject", e => e.Subject),
        ("sentAt", "Sent at (UTC)", e => e.SentAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        ("related", "Related", e => e.RelatedModule is null ? null : $"{e.RelatedModule} ID {e.RelatedId}"),
        ("owner", "Owner", e => e.OwnerName),
    ];

    public async Task<Result<CsvExport>> RunAsync(Actor actor, LoggedEmailQuery query, CancellationToken cancellationToken)
    {
        var module = CrmModules.Emails.Key;
        if (!(await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed)
        {
            return Result<CsvExport>.Forbidden("You may not export emails.");
        }

        var errors = ListLoggedEmails.Validate(query);
        if (errors.Any)
        {
            return Result<CsvExport>.Invalid(errors);
        }

        var fields = await access.FieldsAsync(actor, module, cancellationToken);
        var columns = s_columns.Where(c => fields.CanSee(c.Field)).ToList();
        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var count = await filtered.CountAsync(cancellationToken);
        activity.Record(actor, ActivityKind, $"Exported {count} logged emails as CSV.");
        await db.SaveChangesAsync(cancellationToken);
        var rows = list.Project(ListLoggedEmails.Order(filtered, ListLoggedEmails.SortOf(query), forward: true));
        var name = $"emails-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.csv";
        return Result<CsvExport>.Ok(new CsvExport(name, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
            await writer.WriteAsync(Csv.Line(columns.Select(c => c.Header)));
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                await writer.WriteAsync(Csv.Line(columns.Select(c => c.Value(row))));
            }
        }));
    }
}
