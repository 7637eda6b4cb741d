using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Makes a new authenticator key for the signed-in user, waiting for its first code. Starting
/// again replaces a key that was never confirmed; an active second factor must be turned off first.
/// </summary>
public sealed class StartEnrolment(CrmDb db, Authenticator authenticator, TimeProvider clock)
{
    public async Task<Result> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result.Forbidden("Two-factor sign-in is set up by the person themselves, signed in.");
        }

        var enrolment = await db.Set<TwoFactorEnrolment>().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken);
        if (enrolment is { ConfirmedAt: not null })
        {
            return Result.Conflict("Two-factor sign-in is already on. Turn it off first to move to another app.");
        }

        if (enrolment is null)
        {
            enrolment = new TwoFactorEnrolment { UserId = userId };
            db.Add(enrolment);
        }

        enrolment.ProtectedSecret = authenticator.NewProtectedSecret();
        enrolment.StartedAt = clock.GetUtcNow().UtcDateTime;
        enrolment.LastAcceptedStep = null;
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
