using Crm.Web.Data;
using Microsoft.AspNetCore.DataProtection;

namespace Crm.Web.Features.Email;

/// <summary>
/// Puts a message in the outbox on the caller's unit of work, so the message exists exactly when
/// the change that caused it is saved. Bodies are encrypted at rest (they carry single-use links).
/// Delivery over SMTP is the email issue's worker; until then messages wait, queued.
/// </summary>
public sealed class EmailOutbox(CrmDb db, IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector _protector = protection.CreateProtector(BodyPurpose);

    public const string BodyPurpose = "Crm.Email.Body";

    public OutgoingEmail Queue(string to, string subject, string body, string purpose, string? htmlBody = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var message = new OutgoingEmail
        {
            Id = Guid.CreateVersion7(),
            To = to,
            Subject = subject,
            ProtectedBody = _protector.Protect(body),
            ProtectedHtmlBody = htmlBody is null ? null : _protector.Protect(htmlBody),
            Purpose = purpose,
            CreatedAt = now,
            Status = EmailStatus.Queued,
            NextAttemptAt = now,
        };
        db.OutgoingEmails.Add(message);
        return message;
    }

    public string ReadBody(OutgoingEmail message) => _protector.Unprotect(message.ProtectedBody);
}
