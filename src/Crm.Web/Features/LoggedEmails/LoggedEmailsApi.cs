using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.LoggedEmails;

/// <summary><c>/api/v1/emails</c>: emails logged against CRM records (not the outbox of the CRM's own mail).</summary>
public static class LoggedEmailsApi
{
    public static RouteGroupBuilder MapLoggedEmailsApi(this RouteGroupBuilder api)
    {
        var emails = api.MapGroup("/emails").WithTags("Emails").RequireAuthorization();

        emails.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, string? direction, string? relatedModule, int? relatedId,
                HttpContext http, ListLoggedEmails list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new LoggedEmailQuery(search, sort, cursor, pageSize, direction, relatedModule, relatedId), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .WithName("ListLoggedEmails")
            .WithSummary("The logged emails you may view: filter by direction and related record (relatedModule + relatedId), search subject and addresses, sort by sent (newest first) or id, keyset-paged.");

        emails.MapGet("/export", async (string? format, string? search, string? sort, string? direction, string? relatedModule, int? relatedId,
                HttpContext http, ExportLoggedEmails export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new LoggedEmailQuery(search, sort, null, null, direction, relatedModule, relatedId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(emails, "ExportLoggedEmails", "logged emails");

        emails.MapRecordViewEdits<ReadLoggedEmail, SaveLoggedEmail, LoggedEmailInput, LoggedEmailFields, LoggedEmailDetails>(CrmModules.Emails,
            new OwnedRecordEdits<LoggedEmailInput, LoggedEmailFields>("LoggedEmail")
            {
                GetSummary = "One logged email; 404 when it does not exist or you may not view it.",
                CreateSummary = "Logs an email: direction incoming or outgoing, from, to (comma-separated), subject, body (plain text), sentAt, and optionally relatedModule + relatedId.",
                UpdateSummary = "Corrects an outgoing logged email (incoming ones are refused with 403); `version` is required, 409 if someone else saved first.",
            });

        emails.MapOwnedRecordDelete<LoggedEmail>("LoggedEmail", "emailId", "subject",
            "Deletes the logged email (incoming ones too, with the delete permission).",
            "What deleting the email would delete with it.");

        return api;
    }
}
