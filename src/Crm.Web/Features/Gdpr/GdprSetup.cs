using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Crm.Web.Web;

namespace Crm.Web.Features.Gdpr;

/// <summary>
/// Data-protection rights requests (issue 26, its GDPR part): the register with the 30-day deadline
/// and its reminders, finding the person across the CRM, the access / portability export, and
/// erasure by anonymisation (<see cref="ErasePerson"/>).
/// Administrators only: the /admin convention for the pages, <see cref="Security.Policies.Administrator"/>
/// on the API, and every use case checks it again.
/// </summary>
public sealed class GdprSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapGdprApi();

    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<GdprDeadlines>();
        services.AddHealthIndicator<GdprOverdueHealth>();
        services.AddHealthIndicator<GdprDueSoonHealth>();
        services.AddScoped<ListGdprRequests>();
        services.AddScoped<ReadGdprRequest>();
        services.AddScoped<CreateGdprRequest>();
        services.AddScoped<EditGdprRequest>();
        services.AddScoped<CloseGdprRequest>();
        services.AddScoped<FindGdprPerson>();
        services.AddScoped<ExportGdprPerson>();
        services.AddScoped<ErasePerson>();
        services.AddRecurringJob<RemindGdprDeadlines>(RemindGdprDeadlines.JobName,
            "Notifies administrators of data-protection requests 7 days and 1 day before their deadline, and once overdue.", TimeSpan.FromHours(1));

        services.AddSection(new Section(
            "Data protection (GDPR)",
            "Rights requests: access, portability, erasure, rectification; their 30-day deadlines; find a person, export their data, erase them.",
            "/admin/gdpr",
            570,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
    }

    private static readonly HelpTopic s_help = new("gdpr", "Data-protection requests (GDPR)",
    [
        "Register every rights request the organisation receives, whoever took it: the kind (access, portability, erasure, rectification), the person (their email address, or the contact or lead they are, or both), the day it was received and by whom, and notes. The law gives 30 days from receipt to answer; the register shows the deadline and the days left.",
        "The list shows open and in-progress requests, nearest deadline first; \"Due soon\" marks those due within 7 days and \"Overdue\" those past their deadline. Every administrator gets a notification 7 days before a deadline, 1 day before it, and once it has passed.",
        "Open a request to see everything the CRM holds about the person before you act: contacts and leads with the address, companies whose email it is, logged emails from or to it (or logged against their records), memos that mention it, the files attached to these records, mailing recipient bindings and an unsubscription. Each is counted and linked.",
        "For an access or portability request, \"Download export\" gives a zip: for each kind of record a JSON file (which describes its fields, for machines) and a CSV file (for people), the history of those records, the attached files, and a README. Send it to the person through a safe channel. Each export is recorded in the activity log and the audit trail.",
        "When the request is answered, close it as answered; if it is refused (for example, the person could not be identified), close it as refused with the reason, which the person must be told. Editing a closed request back to open or in progress reopens it.",
        "For an erasure request, \"Erase…\" shows first exactly what will be erased: each contact and lead with the fields that go (names, email, phone, title or notes, custom field values), companies with the address as their email, logged emails (their address, subject and body), memos that mention the address, the files attached to the person's records, and an unsubscription; then how many history entries lose those values, and what is kept: deals with their amounts and dates (the law requires you to keep transactions), mailing bindings, and the request itself.",
        "To erase, type the person's email address. In one step the values become [DELETED] (emails and phone numbers too, so they no longer match anything), the files and their content are deleted, the unsubscription is kept only as a fingerprint of the address so mailings still skip it, and the history and audit trail of those records no longer show the values, while the audit check (audit verify) still passes. The erasure itself is recorded: who erased which records and when, without the values. The request is closed as answered. This cannot be undone; if anything fails, nothing is changed.",
        "Memos are found by the address only: the erasure replaces the address in them, so read the memos listed and edit what else they say about the person. Records that mention the person only by name are not found.",
    ], AdministratorsOnly: true);
}
