using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

/// <summary>The current lead list as CSV (export permission; hidden fields left out; logged).</summary>
public sealed class ExportLeads(CrmDb db, ListLeads list, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const string ActivityKind = "leads-exported";

    private static readonly (string Field, string Header, Func<LeadListItem, string?> Value)[] s_columns =
    [
        ("id", "ID", l => l.Id.ToString(CultureInfo.InvariantCulture)),
        ("firstName", "First name", l => l.FirstName),
        ("lastName", "Last name", l => l.LastName),
        ("companyName", "Company name", l => l.CompanyName),
        ("email", "Email", l => l.Email),
        ("phone", "Phone", l => l.Phone),
        ("source", "Source", l => l.Source),
        ("status", "Status", l => l.Status),
        ("owner", "Owner", l => l.OwnerName),
    ];

    public async Task<Result<CsvExport>> RunAsync(Actor actor, LeadQuery query, CancellationToken cancellationToken)
    {
        var module = CrmModules.Leads.Key;
        if (!(await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed)
        {
            return Result<CsvExport>.Forbidden("You may not export leads.");
        }

        var errors = ListLeads.Validate(query);
        if (errors.Any)
        {
            return Result<CsvExport>.Invalid(errors);
        }

        var fields = await access.FieldsAsync(actor, module, cancellationToken);
        var columns = s_columns.Where(c => fields.CanSee(c.Field)).ToList();
        var filtered = await list.FilteredAsync(actor, query, cancellationToken);
        var count = await filtered.CountAsync(cancellationToken);
        activity.Record(actor, ActivityKind, $"Exported {count} leads as CSV.");
        await db.SaveChangesAsync(cancellationToken);
        var rows = list.Project(ListLeads.Order(filtered, ListLeads.SortOf(query), forward: true));
        var name = $"leads-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.csv";
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
