using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>The model of <c>/emails/new</c> and <c>/emails/{id}/edit</c>; an incoming email shows why it cannot be edited instead of a form.</summary>
public sealed class LoggedEmailFormPage(ReadLoggedEmail read, SaveLoggedEmail save, TimeProvider clock) : PageModel
{
    [BindProperty]
    public LoggedEmailForm Input { get; set; } = new();

    public int? Id { get; private set; }

    /// <summary>Why this email cannot be edited, when it cannot.</summary>
    public string? Refused { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, string? relatedModule, int? relatedId, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            var e = found.Value!.Email;
            if (e.Direction == EmailDirections.Incoming)
            {
                Refused = SaveLoggedEmail.IncomingIsFinal;
                return Page();
            }

            if (!found.Value.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            Input = new LoggedEmailForm
            {
                Direction = e.Direction, From = e.From, To = e.To, Subject = e.Subject, Body = e.Body, SentAt = e.SentAt,
                RelatedModule = e.RelatedModule, RelatedId = e.RelatedId, Version = e.Version,
            };
        }
        else
        {
            Input.RelatedModule = relatedModule;
            Input.RelatedId = relatedId;
            var now = clock.GetUtcNow().UtcDateTime;
            Input.SentAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var input = new LoggedEmailInput(Input.Direction, Input.From, Input.To, Input.Subject, Input.Body, Input.SentAt,
                string.IsNullOrEmpty(Input.RelatedModule) ? null : Input.RelatedModule, Input.RelatedId, null, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, LoggedEmailFields.All & ~LoggedEmailFields.Owner, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/emails/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            if (result.Message == SaveLoggedEmail.IncomingIsFinal)
            {
                Refused = result.Message;
                return Page();
            }

            result.CopyTo(ModelState);
        }

        return Page();
    }

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
