using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>
/// An administrator looks at the CRM through a user's eyes, read-only, to help them: the session
/// carries the previewed user until the administrator ends the preview. Starting and ending are
/// recorded in the activity log; no write is possible meanwhile (see <see cref="PreviewGate"/>).
/// </summary>
public sealed class StartPreview(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, Guid sessionId, Guid userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview || actor.Kind != ActorKind.User)
        {
            return Result.Forbidden("Only an administrator, signed in in a browser, can preview as another user.");
        }

        var target = await db.Users.Where(u => u.Id == userId).Select(u => new { u.Id, u.FullName, u.Email, u.IsActive }).FirstOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return Result.NotFound();
        }

        if (target.Id == actor.UserId || !target.IsActive)
        {
            return Result.Conflict("Preview works for other, active users.");
        }

        var session = await db.UserSessions.FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == actor.UserId && s.RevokedAt == null, cancellationToken);
        if (session is null)
        {
            return Result.Forbidden("Preview needs a browser session.");
        }

        session.PreviewUserId = target.Id;
        activity.Record(actor, ActivityKinds.PreviewStarted, $"Started previewing the CRM as {target.FullName} <{target.Email}>", target.Id);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}

public sealed class EndPreview(CrmDb db, ActivityLog activity)
{
    /// <summary>Ends the preview of this session; returns the user who was previewed.</summary>
    public async Task<Result<Guid>> RunAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var signedIn = http.SignedIn();
        if (signedIn?.PreviewedBy is not { } administrator)
        {
            return Result<Guid>.Conflict("No preview is running.");
        }

        var session = await db.UserSessions.FirstOrDefaultAsync(s => s.Id == signedIn.SessionId, cancellationToken);
        if (session is null)
        {
            return Result<Guid>.NotFound();
        }

        session.PreviewUserId = null;
        // The entry is the administrator's, not the previewed user's.
        var actor = new Actor(ActorKind.User, administrator.UserId, true, administrator.DisplayName) { IpAddress = http.Connection.RemoteIpAddress?.ToString() };
        activity.Record(actor, ActivityKinds.PreviewEnded, $"Ended previewing the CRM as {signedIn.DisplayName} <{signedIn.Email}>", signedIn.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Guid>.Ok(signedIn.UserId);
    }
}
