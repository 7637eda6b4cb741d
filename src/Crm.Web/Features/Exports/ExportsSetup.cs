using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Exports;

/// <summary>
/// The export log (issue 26): Administration › Exports and <c>GET /api/v1/exports</c>, read from the
/// audit trail. The row limit per role it goes with is enforced in the export kit (<see cref="Records.ListExports"/>).
/// </summary>
public sealed class ExportsSetup : ICrmFeature
{
    public const string PageLink = "/admin/exports";

    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListExportLog>();
        services.AddSection(new Section("Exports", "Every export: module, filter, columns, rows, file type, who, from where and when.",
            PageLink, 655, u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(new HelpTopic("exports", "Export log",
        [
            "Administration › Exports lists every export, newest first: each module's list exported as CSV or Excel (companies, contacts, leads, deals, products, tasks, memos, files, logged emails), the role audit CSV and the data-protection export of a person. Each line says which module, the filter, search and sort the list had, the columns that were written (fields hidden from the person's role are left out of the file and of this list), the number of rows, the file type, who exported (and through which API token), from which IP address, and when.",
            "Filter by user or by module; Older shows the next page. The same exports are in the activity log, and in the audit trail as \"exported\" entries: the export log is read from the audit trail, so it keeps what the audit retention keeps.",
            "A role may be given a maximum number of rows per export (Administration › Roles, the role's \"Maximum rows per export\"; empty means no limit). An export larger than that by someone holding the role is refused, and nothing is exported or logged: the list page says the limit and asks to narrow the filter, and the API answers 400 with the same sentence under \"rowLimit\". Administrators have no limit.",
            "Who may export at all is a permission of each module (the \"export\" action in a role's permissions).",
        ], AdministratorsOnly: true));
    }

    public void MapApi(RouteGroupBuilder api)
    {
        api.MapGet("/exports", async (Guid? userId, string? module, string? cursor, int? pageSize, HttpContext http, ListExportLog list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new ExportLogQuery(userId, module, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor })))
            .RequireAuthorization(Policies.Administrator)
            .WithTags("Exports")
            .WithName("ListExportLog")
            .WithSummary("Every export, newest first (module, filter, columns, rows, format, user, API token, IP, time); filter by userId and module; keyset-paged with cursor and pageSize (at most 200).");
    }
}
