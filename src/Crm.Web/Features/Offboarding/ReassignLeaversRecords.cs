using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Users;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Offboarding;

/// <param name="ReceiverId">The active user, other than the leaver, who receives every record the leaver owns.</param>
public sealed record ReassignInput(Guid? ReceiverId);

/// <summary>What the leaver owns, by module, and who would receive it (the preview), or received it.</summary>
public sealed record ReassignOutcome(Guid ReceiverId, string ReceiverName, IReadOnlyList<OwnedCount> Records, bool Done)
{
    public int Total => Records.Sum(r => r.Count);
}

/// <summary>
/// Step 3: every record the leaver owns, of every module that registers <see cref="OwnedRecords"/>,
/// goes to one active user through the modules' own transfer path (the one a user deletion uses),
/// in one transaction with the step's mark and its activity entry: a failure changes nothing.
/// The preview counts without moving. Only after deactivation, so nothing new is added to what
/// is being handed over while it moves.
/// </summary>
public sealed class ReassignLeaversRecords(CrmDb db, IEnumerable<OwnedRecords> ownedRecords, ActivityLog activity, TimeProvider clock)
{
    public const string Field = "receiverId";

    public async Task<Result<ReassignOutcome>> PreviewAsync(Actor actor, Guid userId, ReassignInput input, CancellationToken cancellationToken)
    {
        var checkedInput = await CheckAsync(actor, userId, input, forWrite: false, cancellationToken);
        if (!checkedInput.IsOk)
        {
            return checkedInput.Map<ReassignOutcome>();
        }

        var (_, receiver) = checkedInput.Value;
        return Result<ReassignOutcome>.Ok(new ReassignOutcome(receiver.Id, receiver.FullName, await CountAsync(userId, cancellationToken), Done: false));
    }

    public async Task<Result<ReassignOutcome>> RunAsync(Actor actor, Guid userId, ReassignInput input, CancellationToken cancellationToken)
    {
        var checkedInput = await CheckAsync(actor, userId, input, forWrite: true, cancellationToken);
        if (!checkedInput.IsOk)
        {
            return checkedInput.Map<ReassignOutcome>();
        }

        var (leaver, receiver) = checkedInput.Value;
        if (leaver.IsActive)
        {
            return Result<ReassignOutcome>.Conflict("Deactivate the account first (step 1), so the person cannot add records while theirs are handed over.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await ownedRecords.HandOverAsync(db, new OwnerHandover(userId, receiver.Id, actor.UserId), cancellationToken);

        var summary = string.Join(", ", moved.Where(m => m.Count > 0).Select(m => $"{m.Title}: {m.Count}"));
        var detail = summary.Length == 0
            ? $"Owned no records; {receiver.FullName} was chosen to receive any."
            : $"Moved to {receiver.FullName}: {summary}.";
        await OffboardingStep.MarkAsync(db, userId, OffboardingSteps.Reassign, actor, detail, clock.GetUtcNow().UtcDateTime, cancellationToken);
        activity.Record(actor, ActivityKinds.Offboarding, $"Offboarding {leaver.FullName} <{leaver.Email}>: records reassigned. {detail}", userId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<ReassignOutcome>.Ok(new ReassignOutcome(receiver.Id, receiver.FullName, moved, Done: true));
    }

    private sealed record Person(Guid Id, string FullName, string? Email, bool IsActive);

    private async Task<Result<(Person Leaver, Person Receiver)>> CheckAsync(Actor actor, Guid userId, ReassignInput input, bool forWrite, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || (forWrite && actor.IsPreview))
        {
            return Result<(Person, Person)>.Forbidden(ReadOffboarding.AdministratorsOnly);
        }

        var leaver = await FindAsync(userId, cancellationToken);
        if (leaver is null)
        {
            return Result<(Person, Person)>.NotFound();
        }

        if (input.ReceiverId is not { } receiverId)
        {
            return Result<(Person, Person)>.Invalid(Field, "Choose the active user who receives everything this user owns.");
        }

        if (receiverId == userId)
        {
            return Result<(Person, Person)>.Invalid(Field, $"{leaver.FullName} is the person leaving: choose someone else to receive the records.");
        }

        var receiver = await FindAsync(receiverId, cancellationToken);
        if (receiver is null)
        {
            return Result<(Person, Person)>.Invalid(Field, "There is no user with this ID: choose an active user.");
        }

        return receiver.IsActive
            ? Result<(Person, Person)>.Ok((leaver, receiver))
            : Result<(Person, Person)>.Invalid(Field, $"{receiver.FullName} is deactivated: choose an active user.");
    }

    private Task<Person?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new Person(u.Id, u.FullName, u.Email, u.IsActive)).FirstOrDefaultAsync(cancellationToken);

    private async Task<IReadOnlyList<OwnedCount>> CountAsync(Guid userId, CancellationToken cancellationToken) =>
        await ownedRecords.CountOwnedAsync(db, userId, cancellationToken);
}
