using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>
/// Deactivation is the recommended way to take someone out: they are signed out at their next
/// request, cannot sign in, their API tokens stop working, their history stays, their seat is
/// freed. Reactivation needs a free seat (an integration user holds none).
/// </summary>
public sealed class SetUserActive(CrmDb db, Seats seats, ActivityLog activity, Sessions sessions)
{
    public async Task<Result> RunAsync(Actor actor, Guid userId, bool active, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators can activate or deactivate users.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Result.NotFound();
        }

        if (user.IsActive == active)
        {
            return Result.Ok();
        }

        if (!active)
        {
            if (user.Id == actor.UserId)
            {
                return Result.Conflict("You cannot deactivate your own account: ask another administrator.");
            }

            if (user.IsAdministrator && !await Administrators.AnyOtherActiveAsync(db, user.Id, cancellationToken))
            {
                return Result.Conflict("This is the last active administrator and cannot be deactivated.");
            }
        }
        else if (!user.IsIntegration)
        {
            var used = await seats.UsedAsync(cancellationToken);
            if (seats.IsFull(used))
            {
                return Result.Conflict(seats.ExhaustedMessage(used));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        user.IsActive = active;
        if (!active)
        {
            await sessions.RevokeAllAsync(user.Id, cancellationToken);
        }

        activity.Record(actor, active ? ActivityKinds.UserActivated : ActivityKinds.UserDeactivated,
            $"{(active ? "Reactivated" : "Deactivated")} {user.FullName} <{user.Email}>", user.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
