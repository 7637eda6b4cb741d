using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Activity;

public sealed class ActivitySetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ActivityLog>();
        services.AddScoped<ListActivity>();
        services.AddSection(new Section("Activity log", "Sign-ins, account, permission and token changes, exports and deletions; flags for the weekly review.",
            "/admin/activity", 650, u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(new HelpTopic("activity-log", "Activity log",
        [
            "The activity log lists what happened around the data: sign-ins (successful and failed) and sign-outs, password changes, users added, changed, activated, deactivated or deleted, role, group, department and permission changes, API tokens created and revoked, previews as another user, exports, transfers and deletions. Each line says when (UTC), who, from which IP address and browser.",
            "Filter by user (who acted or whom it concerned), kind, period and IP address. Review it weekly and tick \"Flagged only\" to see what deserves a look:",
            "Mass deletion: more than a set number of objects deleted by one user within a few minutes (settings Audit:MassDeletion:Count and Audit:MassDeletion:Minutes). Outside business hours: a sign-in outside the configured days and hours (Audit:BusinessHours:Start, End, Days and TimeZone). New IP: a sign-in from an address never seen before for that user.",
            "What changed inside a record is in its History; deleted objects are under Administration › Deleted objects.",
        ], AdministratorsOnly: true));
    }

    public void MapApi(RouteGroupBuilder api)
    {
        api.MapGet("/activity", async (Guid? userId, string? kind, DateTime? from, DateTime? to, string? ip, bool? flaggedOnly, string? cursor, int? pageSize,
                HttpContext http, ListActivity list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new ActivityQuery(userId, kind, from, to, ip, flaggedOnly ?? false, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor })))
            .RequireAuthorization(Policies.Administrator)
            .WithTags("Activity")
            .WithName("ListActivity")
            .WithSummary("The activity log, newest first: filter by userId, kind, from/to (UTC), ip, flaggedOnly; each item lists its review flags (mass-deletion, outside-business-hours, new-ip).");
    }
}
