using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>The model of <c>/emails/new</c> and <c>/emails/{id}/edit</c>; an incoming email shows why it cannot be edited instead of a form.</summary>
public sealed class LoggedEmailFormPage(ReadLoggedEmail read, SaveLoggedEmail save, TimeProvider clock)
    : RecordViewFormPage<LoggedEmailInput, LoggedEmailFields, LoggedEmailDetails>(read, save, CrmModules.Emails, LoggedEmailFields.All & ~LoggedEmailFields.OwnerId)
{
    public Task<IActionResult> OnGetAsync(int? id, string? relatedModule, int? relatedId, CancellationToken cancellationToken) =>
        OpenAsync(id, () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return new LoggedEmailInput
                {
                    Direction = EmailDirections.Outgoing, RelatedModule = relatedModule, RelatedId = relatedId,
                    SentAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc),
                };
        }, cancellationToken);

    protected override string? RefusalOf(RecordView<LoggedEmailDetails> view) => view.Record.Direction == EmailDirections.Incoming ? SaveLoggedEmail.IncomingIsFinal : null;

    protected override bool IsRefusal(Result<LoggedEmailDetails> result) => result.Message == SaveLoggedEmail.IncomingIsFinal;
}
