using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.RoleAudit;

/// <summary>The role audit as CSV, recorded like every export (activity log, audit trail, Administration › Exports).</summary>
public sealed class ExportRoleAudit(RoleAuditReport report, ListExports exports)
{
    /// <summary>The name the export has in the audit trail and the export log.</summary>
    public const string ExportName = "role-audit";

    public async Task<Result<TableExport>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        var view = await report.RunAsync(actor, cancellationToken);
        if (!view.IsOk)
        {
            return view.Map<TableExport>();
        }

        var table = RoleAuditReport.ToTable(view.Value);
        await exports.RecordAsync(actor, ExportName, "role audit rows", table.Format, table.Headers, RoleAuditReport.RowCount(view.Value), cancellationToken);
        return Result<TableExport>.Ok(table);
    }
}
