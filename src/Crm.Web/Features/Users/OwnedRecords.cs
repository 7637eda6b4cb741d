using Crm.Web.Data;

namespace Crm.Web.Features.Users;

/// <summary>
/// A kind of record users own (companies, deals, tasks, ...). Each feature that has owners
/// registers one (through <c>Records.OwnerMoves.AddOwnerMoves</c>), so deleting a user can show
/// what they own and hand all of it to someone else in the same transaction. <see cref="Title"/>
/// is the module key. Features reassign through their own transfer service, so every path that
/// changes owners behaves the same.
/// </summary>
public sealed record OwnedRecords(
    string Title,
    Func<CrmDb, Guid, CancellationToken, Task<int>> CountAsync,
    Func<CrmDb, OwnerHandover, CancellationToken, Task> ReassignAsync)
{
    /// <summary>The records' entity type, when they are CRM records (the kit's registration checks read it).</summary>
    public Type? RecordType { get; init; }
}

/// <summary>Everything <see cref="From"/> owns goes to <see cref="To"/>; <see cref="ByUserId"/> made the move (the stamped modifier).</summary>
public sealed record OwnerHandover(Guid From, Guid To, Guid? ByUserId);

public static class OwnedRecordsCounts
{
    /// <summary>How many records of each registered kind <paramref name="userId"/> owns, in registration order: what deleting or offboarding them would hand over.</summary>
    public static async Task<List<OwnedCount>> CountOwnedAsync(this IEnumerable<OwnedRecords> kinds, CrmDb db, Guid userId, CancellationToken cancellationToken)
    {
        var counts = new List<OwnedCount>();
        foreach (var kind in kinds)
        {
            counts.Add(new OwnedCount(kind.Title, await kind.CountAsync(db, userId, cancellationToken)));
        }

        return counts;
    }

    /// <summary>
    /// Hands everything <see cref="OwnerHandover.From"/> owns to <see cref="OwnerHandover.To"/>, kind by
    /// kind through each module's own transfer, in the caller's transaction; returns what moved, counted
    /// before anything moves (a company takes its contacts along, so counting each kind just before its
    /// own move would miss what an earlier one carried).
    /// </summary>
    public static async Task<List<OwnedCount>> HandOverAsync(this IEnumerable<OwnedRecords> kinds, CrmDb db, OwnerHandover handover, CancellationToken cancellationToken)
    {
        var all = kinds.ToList();
        var moved = await all.CountOwnedAsync(db, handover.From, cancellationToken);
        foreach (var kind in all)
        {
            if (await kind.CountAsync(db, handover.From, cancellationToken) > 0)
            {
                await kind.ReassignAsync(db, handover, cancellationToken);
            }
        }

        return moved;
    }
}

public static class OwnedRecordsRegistration
{
    public static IServiceCollection AddOwnedRecords(this IServiceCollection services, OwnedRecords records) =>
        services.AddSingleton(records);
}
