using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>The model of <c>/emails/new</c> and <c>/emails/{id}/edit</c>; an incoming email shows why it cannot be edited instead of a form.</summary>
public sealed class LoggedEmailFormPage(ReadLoggedEmail read, SaveLoggedEmail save, TimeProvider clock)
    : RecordFormPage<LoggedEmailFormPage.LoggedEmailForm, LoggedEmailView, LoggedEmailDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, string? relatedModule, int? relatedId, CancellationToken cancellationToken) =>
        OpenAsync(id, () =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return new LoggedEmailForm
                {
                    RelatedModule = relatedModule, RelatedId = relatedId,
                    SentAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc),
                };
        }, cancellationToken);

    protected override Task<Result<LoggedEmailView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override string? RefusalOf(LoggedEmailView view) => view.Email.Direction == EmailDirections.Incoming ? SaveLoggedEmail.IncomingIsFinal : null;

    protected override bool IsRefusal(Result<LoggedEmailDetails> result) => result.Message == SaveLoggedEmail.IncomingIsFinal;

    protected override bool MayEdit(LoggedEmailView view) => view.Can.Edit;

    protected override LoggedEmailForm Fill(LoggedEmailView view)
    {
        var e = view.Email;
        return new LoggedEmailForm
        {
            Direction = e.Direction, From = e.From, To = e.To, Subject = e.Subject, Body = e.Body, SentAt = e.SentAt,
            RelatedModule = e.RelatedModule, RelatedId = e.RelatedId, Version = e.Version,
        };
    }

    protected override Task<Result<LoggedEmailDetails>> SaveAsync(Actor actor, int? id, LoggedEmailForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new LoggedEmailInput(form.Direction, form.From, form.To, form.Subject, form.Body, form.SentAt,
                string.IsNullOrEmpty(form.RelatedModule) ? null : form.RelatedModule, form.RelatedId, null, form.Version),
            LoggedEmailFields.All & ~LoggedEmailFields.OwnerId, cancellationToken);

    protected override string PageOf(LoggedEmailDetails saved) => $"/emails/{saved.Id}";

    public sealed class LoggedEmailForm
    {
        [Display(Name = "Direction")]
        public string? Direction { get; set; } = EmailDirections.Outgoing;

        [Display(Name = "From")]
        public string? From { get; set; }

        [Display(Name = "To")]
        public string? To { get; set; }

        [Display(Name = "Subject")]
        public string? Subject { get; set; }

        [Display(Name = "Body")]
        public string? Body { get; set; }

        [Display(Name = "Sent at")]
        public DateTime? SentAt { get; set; }

        [Display(Name = "Related module")]
        public string? RelatedModule { get; set; }

        [Display(Name = "Related record"), ModelBinder(typeof(RecordIdBinder))]
        public int? RelatedId { get; set; }

        public int? Version { get; set; }
    }
}
