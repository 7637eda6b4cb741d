using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.RoleAudit;

/// <summary>The role audit report (issue 29; the seed's checklist: "roles audited for excessive permissions").</summary>
public sealed class RoleAuditSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<RoleAuditReport>();
        services.AddScoped<ExportRoleAudit>();
        services.AddHelpTopic(new HelpTopic("role-audit", "Role audit",
        [
            "Administration › Role audit lists, for every active user, the rights they actually hold against what their role gives. A right wider than the role is highlighted, with where it comes from: an individual override, a group, or the organisation default. An override narrower than the role is shown too.",
            "Rights nobody used in the last 90 days: a right counts as used when the audit trail holds an entry of its kind on the module in that time, by anyone — a record created (create), changed (edit), deleted (delete), exported (export) or transferred (transfer). Viewing, importing and reviewing leave no such entry, so they are never reported. A right nobody uses is a candidate for removal from the roles that give it.",
            "Roles with export or delete on all records are listed with how many active users hold them: those are the rights that let one person take or destroy the whole customer base.",
            "Download CSV gives every right of every user, one row each, for a spreadsheet or an auditor. Administrators hold every right and are listed as such.",
        ], AdministratorsOnly: true));
        services.AddSection(new Section("Role audit", "Who holds which rights beyond their role, rights nobody uses, roles that may export or delete everything.", "/admin/roles/audit", 21, u => u.IsAdministrator)
        {
            Area = SectionArea.Administration,
        });
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/roles/audit").WithTags("Roles").RequireAuthorization(Policies.Administrator);
        audit.MapGet("", async (HttpContext http, RoleAuditReport report, CancellationToken ct) => (await report.RunAsync(http.Actor(), ct)).ToHttp())
            .WithSummary("Every active user's effective rights against their role (with what widened them), rights nobody used in 90 days, roles with export or delete on all records.");
        audit.MapGet("/export", async (HttpContext http, ExportRoleAudit export, CancellationToken ct) =>
            (await export.RunAsync(http.Actor(), ct)).ToHttp(table => table.ToDownload(ct)))
            .WithSummary("The role audit as CSV: one row per user and right. Recorded in the activity log and the export log.");
    }
}
