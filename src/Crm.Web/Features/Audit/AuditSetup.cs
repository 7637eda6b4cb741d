using Crm.Web.Web;
using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Web.Features.Audit;

public sealed class AuditSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapAuditApi();

    public void AddServices(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<AuditContext>();
        services.AddScoped<ISaveChangesInterceptor, AuditCapture>();
        services.AddSingleton<AuditSealer>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditSealer>());
        services.AddScoped<VerifyAuditChain>();
        services.AddRecurringJob<CheckAuditChain>(CheckAuditChain.JobName,
            "Verifies the audit trail's chain (as audit verify does) and records the result for the health dashboard.", CheckAuditChain.Interval);
        services.AddHealthIndicator<AuditChainHealth>();
        services.AddScoped<ReadHistory>();
        services.AddScoped<ListAudit>();
        services.AddScoped<RestoreDeleted>();
        services.AddScoped<RetentionKinds>();
        services.AddScoped<ReadRetention>();
        services.AddScoped<SaveRetention>();
        services.AddRecurringJob<PruneAuditTrail>(PruneAuditTrail.JobName,
            "Removes history and activity-log entries older than their retention period (Administration › Retention); keeps the audit chain verifiable.", TimeSpan.FromHours(6));
        services.AddSection(new Section("Retention", "How long history and activity-log entries are kept, per kind (default: forever).",
            "/admin/retention", 710, u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(new HelpTopic("retention", "Retention of history and activity",
        [
            "By default the CRM keeps every history entry and every activity-log entry forever. Here you can set, per kind, after how many days entries are removed: per type of record or setting for the history (companies, contacts, user, role-grant, …) and per kind for the activity log (sign-in, sign-in-failed, …). Leave a field empty to keep that kind forever.",
            "The retention job runs every few hours (see Administration › Scheduler) and removes entries older than their period. Each run is itself recorded: in the activity log (what kind, how many, up to which date) and as a \"pruned\" entry in the audit trail. Those records are never removed.",
            "The audit trail stays verifiable: where entries were removed, the job leaves an anchor (the seal of the last removed entry), and the audit check (audit verify) continues from it. The database still refuses any other removal or change of entries.",
            "Changing a period is recorded in the activity log. Check your legal retention duties (tax, labour law, GDPR) before shortening a period: removed entries cannot be brought back.",
        ], AdministratorsOnly: true));
        services.AddSection(new Section("Deleted objects", "Every deleted object with its last state and history; restore what was deleted by mistake.",
            "/admin/deleted", 700, u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(new HelpTopic("deleted-objects", "Deleted objects",
        [
            "Every object deleted in the CRM is listed here with when, by whom, and its last state (open Show). Filter by type, by the user who deleted it and by date; search by name or by \"ID 123\".",
            "Restore puts the object back with the same ID and the values it had. It works only if what the object points to still exists: its owner must be an active user, a contact's company must exist, and so on. Otherwise the message says what is missing; restore that first (a company before its contacts), or activate the owner.",
            "A restore is recorded in the object's history and in the activity log. Users and API tokens are not restored this way (the trail never keeps their secrets): create them again.",
        ], AdministratorsOnly: true));
        services.AddHelpTopic(new HelpTopic("history", "History of a record",
        [
            "The History button on a record's page lists every change made to it, newest first: when (in your time zone and date format, chosen on your account page or by the administrator), who (a user, an API token, or the system), what happened (created, updated, transferred, deleted, restored) and, field by field, the value before and after.",
            "You see the history of the records you may view. Fields your role hides stay hidden here too; the entry then says how many fields you may not see were changed.",
            "The history is kept after a record is deleted. Administrators can read it, and restore the record, from Administration › Deleted objects.",
            "Entries cannot be changed or removed by anyone: the database refuses it, and within a second of being written every entry is sealed to the one before it, so an edit made behind the CRM's back is detected by the audit check.",
        ]));
    }
}
