using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Email;

/// <summary>
/// Gives up on one queued or blocked message: it stays in the table (for the record) but is never
/// sent. Discarding a discarded message changes nothing; a sent one cannot be discarded.
/// </summary>
public sealed class DiscardEmail(CrmDb db, ActivityLog activity)
{
    public async Task<Result<Guid>> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<Guid>.Forbidden("Only administrators can discard emails.");
        }

        var message = await db.OutgoingEmails.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (message is null)
        {
            return Result<Guid>.NotFound();
        }

        if (message.Status == EmailStatus.Sent)
        {
            return Result<Guid>.Conflict("This email is already sent: it cannot be discarded.");
        }

        if (message.Status != EmailStatus.Discarded)
        {
            message.Status = EmailStatus.Discarded;
            message.NextAttemptAt = null;
            activity.Record(actor, ActivityKinds.EmailDiscarded, $"Discarded the {message.Purpose} email \"{message.Subject}\" to {message.To}.");
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result<Guid>.Ok(message.Id);
    }
}
