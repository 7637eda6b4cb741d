using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

public sealed record OwnedCount(string Title, int Count);

/// <summary>What deleting a user would move or remove, shown before anything happens.</summary>
public sealed record DeletionImpact(Guid UserId, string FullName, string Email, IReadOnlyList<OwnedCount> Owned, int ApiTokens);

/// <summary>
/// Deleting is discouraged (deactivate instead) and only possible with forced reassignment: every
/// record the user owns goes to one chosen active user, their API tokens and sending accounts are
/// removed, and the account is deleted, all in one transaction. Any failure leaves everything as it was.
/// </summary>
public sealed class DeleteUser(CrmDb db, UserManager<CrmUser> users, IEnumerable<OwnedRecords> ownedRecords, ActivityLog activity)
{
    public async Task<Result<DeletionImpact>> ImpactAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<DeletionImpact>.Forbidden("Only administrators can delete users.");
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Result<DeletionImpact>.NotFound();
        }

        var owned = await ownedRecords.CountOwnedAsync(db, userId, cancellationToken);
        var tokens = await db.ApiTokens.CountAsync(t => t.UserId == userId, cancellationToken);
        return Result<DeletionImpact>.Ok(new DeletionImpact(user.Id, user.FullName, user.Email ?? "", owned, tokens));
    }

    public async Task<Result> RunAsync(Actor actor, Guid userId, Guid? reassignTo, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators can delete users.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Result.NotFound();
        }

        if (user.Id == actor.UserId)
        {
            return Result.Conflict("You cannot delete your own account.");
        }

        if (user.IsAdministrator && user.IsActive && !await Administrators.AnyOtherActiveAsync(db, user.Id, cancellationToken))
        {
            return Result.Conflict("This is the last active administrator and cannot be deleted.");
        }

        if (reassignTo is null)
        {
            return Result.Invalid("reassignTo", "Choose the active user who receives everything this user owns.");
        }

        var receiver = await db.Users.Where(u => u.Id == reassignTo).Select(u => new { u.Id, u.IsActive, u.FullName }).FirstOrDefaultAsync(cancellationToken);
        if (receiver is null || !receiver.IsActive || receiver.Id == user.Id)
        {
            return Result.Invalid("reassignTo", "The receiving user must be another, active user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = (await ownedRecords.HandOverAsync(db, new OwnerHandover(user.Id, receiver.Id, actor.UserId), cancellationToken))
            .Where(m => m.Count > 0).Select(m => $"{m.Count} {m.Title}").ToList();

        // Tracked, so each removed token has its audit entry.
        var removedTokens = await db.ApiTokens.Where(t => t.UserId == user.Id).ToListAsync(cancellationToken);
        db.ApiTokens.RemoveRange(removedTokens);
        var tokens = removedTokens.Count;

        // The schema would cascade these away with the account, unseen by the audit trail: removed
        // here, tracked, so each account (password only as a secret marker) and each recipient
        // binding still on it gets its "deleted" entry in this transaction.
        var sendingAccounts = await db.SendingAccounts.Where(a => a.UserId == user.Id).ToListAsync(cancellationToken);
        var accountIds = sendingAccounts.Select(a => a.Id).ToList();
        var bindings = await db.MassContacts.Where(m => accountIds.Contains(m.SendingAccountId)).ToListAsync(cancellationToken);
        // Bindings of the records just reassigned already follow the receiver (tracked, unsaved):
        // only those still on one of these accounts go, and none twice.
        db.MassContacts.RemoveRange(bindings.Where(m =>
            accountIds.Contains(m.SendingAccountId) && db.Entry(m).State != EntityState.Deleted));
        db.SendingAccounts.RemoveRange(sendingAccounts);

        activity.Record(actor, ActivityKinds.UserDeleted,
            $"Deleted {user.FullName} <{user.Email}>; records moved to {receiver.FullName}: " +
            $"{(moved.Count == 0 ? "none" : string.Join(", ", moved))}; API tokens removed: {tokens}; " +
            $"sending accounts removed: {sendingAccounts.Count}", user.Id);
        await db.SaveChangesAsync(cancellationToken);

        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded)
        {
            return Result.Conflict("The account could not be deleted: " + string.Join(" ", deleted.Errors.Select(e => e.Description)));
        }

        await transaction.CommitAsync(cancellationToken);
        return Result.Ok();
    }
}
