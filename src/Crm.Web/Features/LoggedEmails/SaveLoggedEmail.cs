using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>
/// What the email form or an API caller may set, bound straight from either (the API body, named
/// LoggedEmailRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="LoggedEmailFields"/>.
/// </summary>
[ApiSchemaName("LoggedEmailRequest")]
public sealed class LoggedEmailInput
{
    public string? Direction { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    [Display(Name = "Sent at")] public DateTime? SentAt { get; set; }
    public string? RelatedModule { get; set; }
    [Display(Name = "Related record"), ModelBinder(typeof(RecordIdBinder))] public int? RelatedId { get; set; }
    [Display(Name = "Owner")] public Guid? OwnerId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum LoggedEmailFields
{
    None = 0,
    Direction = 1,
    From = 2,
    To = 4,
    Subject = 8,
    Body = 16,
    SentAt = 32,
    [InputProperties(nameof(LoggedEmailInput.RelatedModule), nameof(LoggedEmailInput.RelatedId))]
    Related = 64,
    OwnerId = 128,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Logs an email (needs create) or corrects a logged outgoing one (needs edit and the version read).
/// An incoming email is never edited. The related record must exist in a module the CRM knows and be
/// visible to the actor (checked through that module's lookup).
/// </summary>
public sealed class SaveLoggedEmail(CrmDb db, RecordEditing editing, RecordLookups lookups, TimeProvider clock)
    : ISaveRecord<LoggedEmailInput, LoggedEmailFields, LoggedEmailDetails>
{
    public const string IncomingIsFinal = "An incoming email cannot be edited: it records what the sender wrote. You may delete it if your role allows.";

    private static readonly RecordEditRules<LoggedEmail> s_rules = new(CrmModules.Emails.Key, "email", "You may not log emails.")
    {
        Refuse = email => email.Direction == EmailDirections.Incoming ? Result<LoggedEmail>.Forbidden(IncomingIsFinal) : null,
    };

    public async Task<Result<LoggedEmailDetails>> RunAsync(Actor actor, int? id, LoggedEmailInput input, LoggedEmailFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<LoggedEmailDetails>();
        }

        var email = opened.Value.Record;
        fields = email is null ? LoggedEmailFields.All : fields;

        string? Pick(LoggedEmailFields field, string? given, string? current) => fields.HasFlag(field) ? Clean(given) : current;
        var direction = Pick(LoggedEmailFields.Direction, input.Direction, email?.Direction)?.ToLowerInvariant();
        var from = Pick(LoggedEmailFields.From, input.From, email?.From);
        var to = Pick(LoggedEmailFields.To, input.To, email?.To);
        var subject = Pick(LoggedEmailFields.Subject, input.Subject, email?.Subject);
        var body = fields.HasFlag(LoggedEmailFields.Body) ? input.Body ?? "" : email?.Body ?? "";
        var sentAt = fields.HasFlag(LoggedEmailFields.SentAt) ? input.SentAt : email?.SentAt;
        var relatedModule = Pick(LoggedEmailFields.Related, input.RelatedModule, email?.RelatedModule)?.ToLowerInvariant();
        var relatedId = fields.HasFlag(LoggedEmailFields.Related) ? input.RelatedId : email?.RelatedId;
        var owner = fields.HasFlag(LoggedEmailFields.OwnerId) && input.OwnerId is { } given ? given : email?.OwnerId ?? actor.UserId;

        var errors = new FieldErrors()
            .Text("subject", "Subject", subject, LoggedEmail.SubjectMaxLength).PlainText("subject", "Subject", subject)
            .Email("from", "From", from);
        if (direction is null || !EmailDirections.All.Contains(direction))
        {
            errors.Add("direction", "Direction must be \"incoming\" or \"outgoing\".");
        }

        var recipients = (to ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (recipients.Length == 0)
        {
            errors.Add("to", "To is required: one or more email addresses separated by commas.");
        }
        else if ((to ?? "").Length > LoggedEmail.ToMaxLength)
        {
            errors.Add("to", $"To must be at most {LoggedEmail.ToMaxLength} characters.");
        }
        else if (recipients.FirstOrDefault(r => new FieldErrors().Email("to", "To", r).Any) is { } bad)
        {
            errors.Add("to", $"'{bad}' is not an email address; separate several addresses with commas.");
        }

        to = string.Join(", ", recipients);
        if (body.Length > LoggedEmail.BodyMaxLength)
        {
            errors.Add("body", $"Body must be at most {LoggedEmail.BodyMaxLength} characters.");
        }
        else if (body.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            errors.Add("body", "Body contains characters that are not text.");
        }

        if (sentAt is null)
        {
            errors.Add("sentAt", "Sent at is required (date and time, UTC).");
        }

        if ((relatedModule is null) != (relatedId is null))
        {
            errors.Add("relatedId", "Give both the related module and the related record's ID, or neither.");
        }
        else if (fields.HasFlag(LoggedEmailFields.Related))
        {
            var related = await lookups.ChooseAsync(actor, (relatedModule, relatedId), (email?.RelatedModule, email?.RelatedId), cancellationToken);
            (relatedModule, relatedId) = related.Id is null ? (null, null) : (related.Module, related.Id);
            if (related.Refused)
            {
                errors.Add("relatedId", lookups.Of(related.Module!) is null
                    ? $"'{related.Module}' is not a module emails can be logged against."
                    : $"{related.Module} ID {related.Id} does not exist or is not visible to you.");
            }
        }

        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, email, cancellationToken);

        if (errors.Any)
        {
            return Result<LoggedEmailDetails>.Invalid(errors);
        }

        email = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, email, input.Version, owner!.Value, ownerChanges, cancellationToken);

        email.Direction = direction!;
        email.From = from!;
        email.To = to;
        email.Subject = subject!;
        email.Body = body;
        email.SentAt = sentAt!.Value.Kind switch
        {
            DateTimeKind.Local => sentAt.Value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(sentAt.Value, DateTimeKind.Utc),
            _ => sentAt.Value,
        };
        email.RelatedModule = relatedModule;
        email.RelatedId = relatedId;
        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<LoggedEmailDetails>.Conflict(s_rules.ChangedBySomeoneElse);
        }

        return Result<LoggedEmailDetails>.Ok(await ReadLoggedEmail.DetailsAsync(db, lookups, actor, email, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
