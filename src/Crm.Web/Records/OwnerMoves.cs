using Crm.Web.Data;
using Crm.Web.Features.Users;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// Every change of owner that is not a save of the record's own form: a company transfer (with its
/// contacts, open deals and open tasks) and the hand-over of a deleted user's records. One stamp for
/// all of them: the receiver and their primary department, modified now by whoever made the move
/// (the transferring user; the administrator who deleted the leaver), one version more. Tracked
/// changes, so the audit trail records each record's old and new owner (a set-based UPDATE would not).
/// </summary>
public static class OwnerMoves
{
    public static void Stamp(OwnedRecord record, Guid receiverId, int? department, DateTime now, Guid? byUserId)
    {
        record.OwnerId = receiverId;
        record.DepartmentId = department;
        record.ModifiedAt = now;
        record.ModifiedById = byUserId;
        record.Version++;
    }

    /// <summary>Loads and stamps these records for the receiver, unsaved (the caller saves within its transaction); returns them.</summary>
    public static async Task<List<T>> MoveAsync<T>(
        CrmDb db, IQueryable<T> records, Guid receiverId, DateTime now, Guid? byUserId, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        var department = await Owners.DepartmentOfAsync(db, receiverId, cancellationToken);
        var moving = await records.ToListAsync(cancellationToken);
        foreach (var record in moving)
        {
            Stamp(record, receiverId, department, now, byUserId);
        }

        return moving;
    }

    /// <summary>
    /// A user deletion hands the leaver's records of <paramref name="module"/> to the receiver with
    /// <see cref="MoveAsync"/>; <paramref name="alsoMove"/> lets what follows the records (mailing
    /// bindings) move in the same save.
    /// </summary>
    public static IServiceCollection AddOwnerMoves<T>(
        this IServiceCollection services, ModuleDefinition module, Func<CrmDb, IReadOnlyList<T>, Guid, CancellationToken, Task>? alsoMove = null)
        where T : OwnedRecord =>
        services.AddOwnerMoves<T>(module, async (db, clock, owned, handover, cancellationToken) =>
        {
            var moved = await MoveAsync(db, owned, handover.To, clock.GetUtcNow().UtcDateTime, handover.ByUserId, cancellationToken);
            if (alsoMove is not null)
            {
                await alsoMove(db, moved, handover.To, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        });

    /// <summary>The same for a module that moves its records its own way (companies take their contacts along): <paramref name="move"/> gets the leaver's records.</summary>
    public static IServiceCollection AddOwnerMoves<T>(
        this IServiceCollection services, ModuleDefinition module, Func<CrmDb, TimeProvider, IQueryable<T>, OwnerHandover, CancellationToken, Task> move)
        where T : OwnedRecord =>
        services.AddSingleton(provider => new OwnedRecords(
            module.Key,
            (db, userId, cancellationToken) => db.Set<T>().CountAsync(r => r.OwnerId == userId, cancellationToken),
            (db, handover, cancellationToken) => move(
                db, provider.GetRequiredService<TimeProvider>(), db.Set<T>().Where(r => r.OwnerId == handover.From), handover, cancellationToken))
        {
            RecordType = typeof(T),
        });
}
