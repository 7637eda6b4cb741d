using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>A reader's one cursor row (Id 1): the last <see cref="AuditSeal.Seq"/> it has handled.</summary>
public interface IAuditCursor
{
    int Id { get; }

    long AuditSealSeq { get; }
}

/// <summary>A committed audit entry in seal order, as the trail's readers see it.</summary>
public sealed record SealedEntry(
    long Seq, long EntryId, DateTime At, string EntityType, string EntityId, string Action, string Label, string Changes, string ActorKind, string? RequestId);

/// <summary>
/// Reads the sealed audit trail after a reader's cursor (webhooks, automation; ADR 0026, ADR 0029).
/// Seals are given only to committed entries and in commit order, so a reader sees each committed
/// change once and never one that was rolled back. A batch is read and handled without a lock, then
/// saved in one short transaction that moves the cursor only if it still stands where the batch
/// began (compare and set), so of several instances handling the same batch one saves it and the
/// others drop theirs; what the reader adds to the context is saved with the moved cursor, or,
/// after a crash, neither is. Entries of a <see cref="QuietRequest"/> are not handed over.
/// </summary>
// The cursor's table name is put into the SQL: it comes from the EF model, never from input (EF1002/EF1003).
#pragma warning disable EF1002, EF1003
public static class SealedTrailReader
{
    /// <summary>
    /// Hands the next batch to <paramref name="handle"/>, which adds its rows to <paramref name="db"/>
    /// (or leaves them to <paramref name="write"/>, called in the cursor's transaction before the save)
    /// and answers false when nobody listens (the cursor then jumps to the trail's end). Returns how
    /// many entries were read: a full batch means the caller should run again at once.
    /// </summary>
    public static async Task<int> ReadAsync<TCursor>(
        CrmDb db, int batch, Func<IReadOnlyList<SealedEntry>, CancellationToken, Task<bool>> handle, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? write = null)
        where TCursor : class, IAuditCursor
    {
        var table = db.Model.FindEntityType(typeof(TCursor))?.GetTableName() ?? throw new InvalidOperationException($"{typeof(TCursor).Name} is not mapped.");
        // Read without a lock first: an idle CRM (or an instance that another one kept up with) takes no write lock each second.
        var seen = await CursorAsync(db, table, cancellationToken);
        if (!await db.AuditSeals.AnyAsync(s => s.Seq > seen, cancellationToken))
        {
            return 0;
        }

        var read = await (from s in db.AuditSeals
                          where s.Seq > seen
                          orderby s.Seq
                          join e in db.AuditEntries on s.EntryId equals e.Id
                          select new
                          {
                              Entry = new SealedEntry(s.Seq, e.Id, e.At, e.EntityType, e.EntityId, e.Action, e.Label, e.Changes, e.ActorKind, e.RequestId),
                              Quiet = e.RequestId != null && db.Set<QuietRequest>().Any(q => q.RequestId == e.RequestId),
                          })
            .Take(batch).ToListAsync(cancellationToken);
        if (read.Count == 0)
        {
            return 0;
        }

        // Entries of a quiet request (QuietRequest) are passed over, and the cursor moves past them all the same.
        var entries = read.Where(r => !r.Quiet).Select(r => r.Entry).ToList();
        var listening = entries.Count == 0 || await handle(entries, cancellationToken);
        var last = listening ? read[^1].Entry.Seq : await db.AuditSeals.MaxAsync(s => s.Seq, cancellationToken);

        // Only now a transaction: the reader's work (reading records, evaluating filters and rules) is
        // done outside it, so on SQLite it does not hold the one writer the users' saves wait for. The
        // cursor moves only from where this batch began: an instance that moved it meanwhile has
        // handled these entries, and this one's rows are dropped, unsaved.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Database.ExecuteSqlRawAsync(
            "UPDATE \"" + table + "\" SET \"AuditSealSeq\" = {0} WHERE \"Id\" = 1 AND \"AuditSealSeq\" = {1}", [last, seen], cancellationToken);
        if (moved == 0)
        {
            db.ChangeTracker.Clear();
            return 0;
        }

        if (write is not null)
        {
            await write(cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return listening ? read.Count : 0;
    }

    private static Task<long> CursorAsync(CrmDb db, string table, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<long>($"""SELECT "AuditSealSeq" AS "Value" FROM "{table}" WHERE "Id" = 1""").SingleAsync(cancellationToken);
}
#pragma warning restore EF1002, EF1003
