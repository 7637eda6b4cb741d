using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Crm.Web.Features.Audit;

/// <summary>
/// The hash chain of the audit trail (ADR 0006, ADR 0009, ADR 0012). Each entry's seal
/// (<see cref="AuditSeal.Hash"/>) is SHA-256 over the previous seal's hash, the entry's place in the
/// chain, its own fields and the digest of its changes; the changes themselves are covered only through
/// <see cref="AuditEntry.ChangesDigest"/>, so a GDPR erasure can redact values inside them (marking
/// the entry with <see cref="RedactedMarker"/>) without breaking the chain. Writers only append
/// unsealed entries, with their change and without any lock (a trigger lists each for sealing);
/// the chain is extended afterwards by <see cref="SealAsync(CrmDb, CancellationToken)"/>, which alone holds the chain lock (besides retention): on PostgreSQL a
/// transaction-scoped advisory lock, on SQLite the database write lock its transaction takes.
/// </summary>
public static partial class AuditChain
{
    /// <summary>Top-level key an erasure job adds to <see cref="AuditEntry.Changes"/> when it redacts values.</summary>
    public const string RedactedMarker = "$redacted";

    /// <summary>How many entries one sealing round reads and seals.</summary>
    private const int SealBatch = 1000;

    // Any fixed number: the sealer and the retention job take this lock, nobody else does.
    private const long ChainLock = 0x43524D4155444954; // "CRMAUDIT"

    // The columns a writer fills, with their values; the id comes from the database, the seal from
    // the sealer.
    private static readonly (string Column, Func<AuditEntry, object?> Value)[] s_written =
    [
        ("At", e => e.At), ("ActorKind", e => e.ActorKind), ("ActorUserId", e => e.ActorUserId), ("ActorName", e => e.ActorName),
        ("ApiTokenName", e => e.ApiTokenName), ("PreviewedById", e => e.PreviewedById), ("IpAddress", e => e.IpAddress),
        ("UserAgent", e => e.UserAgent), ("RequestId", e => e.RequestId), ("EntityType", e => e.EntityType), ("EntityId", e => e.EntityId),
        ("Label", e => e.Label), ("Action", e => e.Action), ("Changes", e => e.Changes), ("ChangesDigest", e => e.ChangesDigest),
    ];

    private static readonly string[] s_columns = Array.ConvertAll(s_written, c => c.Column);

    /// <summary>
    /// Inserts <paramref name="entries"/> unsealed in the caller's transaction (the database's
    /// trigger puts each on the sealer's work list); the sealer chains them once it has committed. Plain INSERT statements, not a second SaveChanges: nothing needs
    /// tracking, and this runs after every save that creates a row, so EF's save pipeline (and
    /// every interceptor again) would be a cost paid on the hottest path for nothing.
    /// </summary>
    public static Task InsertAsync(CrmDb db, List<AuditEntry> entries, CancellationToken cancellationToken) =>
        RowInserts.InsertAsync(db, "AuditEntries", s_columns, entries, e => Array.ConvertAll(s_written, c => c.Value(e)), cancellationToken);

    /// <summary>
    /// Seals every entry committed so far and returns how many. In the caller's transaction when it
    /// has one (which then holds the chain lock until it ends); otherwise each round of
    /// <see cref="SealBatch"/> in a transaction of its own, so the chain lock is let go between rounds.
    /// </summary>
    public static Task<int> SealAsync(CrmDb db, CancellationToken cancellationToken) => SealAsync(db, null, cancellationToken);

    /// <summary>
    /// As <see cref="SealAsync(CrmDb, CancellationToken)"/>, telling <paramref name="logger"/> of
    /// listed entries that no longer exist (removed around the database's guards before their seal).
    /// </summary>
    public static async Task<int> SealAsync(CrmDb db, ILogger? logger, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            (int Read, int Sealed) round;
            if (db.Database.CurrentTransaction is not null)
            {
                round = await SealPendingAsync(db, logger, cancellationToken);
            }
            else
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                round = await SealPendingAsync(db, logger, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            total += round.Sealed;
            if (round.Read < SealBatch)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// Takes the chain lock and seals the oldest committed entries on the work list (up to
    /// <see cref="SealBatch"/>), in the order they were written: each gets the next place and its
    /// hash, appended as a narrow row, and leaves the list. Runs in the caller's transaction, which
    /// must commit for the seals to count; returns how many ids it took off the list and how many
    /// it sealed.
    /// </summary>
    private static async Task<(int Read, int Sealed)> SealPendingAsync(CrmDb db, ILogger? logger, CancellationToken cancellationToken)
    {
        var (seq, previous) = await LockAndReadEndAsync(db, cancellationToken);
        // The list first, then its entries by key: one plan whatever the planner believes about a
        // list that is empty one moment and busy the next (a join let it scan every entry). An entry
        // listed but already sealed can only come from a hand-made row; it leaves the list unsealed again.
        var ids = await db.AuditPending.OrderBy(p => p.EntryId).Select(p => p.EntryId).Take(SealBatch).ToListAsync(cancellationToken);
        var listed = ids.Count == 0 ? [] : await db.AuditEntries.AsNoTracking().Where(e => ids.Contains(e.Id)).OrderBy(e => e.Id)
            .Select(e => new { Entry = e, Sealed = db.AuditSeals.Any(s => s.EntryId == e.Id) }).ToListAsync(cancellationToken);
        if (listed.Count < ids.Count && logger is not null)
        {
            // Nothing in the CRM removes an unsealed entry: the trigger lists it in its writer's
            // transaction, and retention seals before it removes. The list is the only trace left.
            var vanished = ids.Except(listed.Select(l => l.Entry.Id));
            LogVanished(logger, string.Join(", ", vanished));
        }

        var seals = new List<AuditSeal>(listed.Count);
        foreach (var entry in listed.Where(l => !l.Sealed).Select(l => l.Entry))
        {
            var seal = new AuditSeal { Seq = ++seq, EntryId = entry.Id, Hash = HashOf(previous, seq, entry) };
            seals.Add(seal);
            previous = seal.Hash;
        }

        await RowInserts.InsertAsync(db, "AuditSeals", ["Seq", "EntryId", "Hash"], seals, seal => [seal.Seq, seal.EntryId, seal.Hash], cancellationToken);

        if (ids.Count > 0)
        {
            // The ids read above, and only those: an entry committed meanwhile waits for the next round.
            var removed = await db.AuditPending.Where(p => ids.Contains(p.EntryId)).ExecuteDeleteAsync(cancellationToken);
            if (removed != ids.Count)
            {
                throw new InvalidOperationException($"Sealing expected {ids.Count} entries on the work list but found {removed}; nothing of this round was sealed.");
            }
        }

        return (ids.Count, seals.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit entries {Ids} were waiting for their seal but no longer exist: they were removed around the database's guards before they could be sealed")]
    private static partial void LogVanished(ILogger logger, string ids);

    /// <summary>
    /// The chain's last place and hash, read under the chain lock. On PostgreSQL the lock and the
    /// read go in one round trip: two statements of one batch, so the read's snapshot is taken after
    /// the lock is granted and sees every seal committed before it (a single statement would not).
    /// </summary>
    private static async Task<(long Seq, string Hash)> LockAndReadEndAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
                ?? throw new InvalidOperationException("The audit chain is sealed inside a transaction only.");
            await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({ChainLock})"),
                    new NpgsqlBatchCommand("""SELECT "Seq", "Hash" FROM "AuditSeals" ORDER BY "Seq" DESC LIMIT 1"""),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, "");
        }

        var last = await db.AuditSeals.AsNoTracking().OrderByDescending(s => s.Seq).FirstOrDefaultAsync(cancellationToken);
        return (last?.Seq ?? 0, last?.Hash ?? "");
    }

    /// <summary>
    /// Takes the chain lock for the rest of the current transaction. On PostgreSQL an advisory lock
    /// (re-entrant within the transaction); on SQLite the transaction's write lock serves.
    /// </summary>
    public static async Task LockAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLock})", cancellationToken);
        }
    }

    /// <summary>The digest a "pruned" entry records over the anchors its run left (ordered by the first removed id).</summary>
    public static string GapsDigest(IEnumerable<AuditGap> gaps) =>
        Digest(string.Join(";", gaps.OrderBy(g => g.FromSeq).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.FromSeq}-{g.ToSeq}:{g.LastHash}"))));

    public static string Digest(string changes) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(changes)));

    /// <summary>
    /// The hash of entry <paramref name="e"/> at place <paramref name="seq"/>: a JSON array of the
    /// previous hash, the place and every field but the changes (represented by their digest). The
    /// place is where the id stood before sealing came (migration AuditSealing copied each id to
    /// its place), so earlier seals still verify.
    /// </summary>
    public static string HashOf(string previousHash, long seq, AuditEntry e)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            previousHash, seq, e.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            e.ActorKind, e.ActorUserId, e.ActorName, e.ApiTokenName, e.PreviewedById, e.IpAddress, e.UserAgent, e.RequestId,
            e.EntityType, e.EntityId, e.Label, e.Action, e.ChangesDigest,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static bool IsRedacted(string changes)
    {
        try
        {
            return JsonNode.Parse(changes) is JsonObject o && o.ContainsKey(RedactedMarker);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>
/// What <see cref="VerifyAuditChain"/> found. <c>FirstBrokenId</c> names the entry by its id;
/// <c>Pruned</c>: places removed by retention, bridged by their anchors.
/// </summary>
public sealed record ChainReport(long Checked, long Redacted, long? FirstBrokenId, string? Problem, long Pruned = 0)
{
    public bool Intact => FirstBrokenId is null;
}

/// <summary>
/// Seals what is committed and not sealed yet, then walks the seals in order of place and names
/// the first entry that does not fit: a hash that does not match its fields (edited, or inserted
/// without the chain), a gap in the places (deleted), or changes that no longer match their digest
/// without being marked as redacted (edited values); and last an entry that is neither sealed nor
/// waiting to be (slipped in around the trigger that lists every entry written). An entry whose label an
/// erasure rewrote after its seal is accepted only as an intact erasure entry vouches for it (ADR 0036). A gap left by the retention job is bridged by its
/// anchor (the hash of the last removed entry), but only if the job's own "pruned" entry vouches
/// for that anchor by its digest: an anchor slipped in by hand to hide a deletion is not trusted.
/// </summary>
public sealed class VerifyAuditChain(CrmDb db)
{
    private const int Batch = 2000;

    public async Task<ChainReport> RunAsync(CancellationToken cancellationToken)
    {
        await AuditChain.SealAsync(db, cancellationToken);
        var (anchors, unvouched) = await TrustedAnchorsAsync(cancellationToken);
        var redactions = await TrailRedaction.VouchedAsync(db, cancellationToken);
        long checkedCount = 0, redacted = 0, pruned = 0, lastSeq = 0;
        var previous = "";
        long expected = 1;
        while (true)
        {
            var after = lastSeq;
            var batch = await (from s in db.AuditSeals
                               join e in db.AuditEntries on s.EntryId equals e.Id
                               where s.Seq > after
                               orderby s.Seq
                               select new { Seal = s, Entry = e }).Take(Batch).AsNoTracking().ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return await OutsideTheChainAsync(cancellationToken) is { } outside
                    ? new ChainReport(checkedCount, redacted, outside, $"entry {outside} is in the trail but not in the chain (it was written around the sealer's work list)", pruned)
                    : new ChainReport(checkedCount, redacted, null, null, pruned);
            }

            foreach (var (seal, e) in batch.Select(b => (b.Seal, b.Entry)))
            {
                var seq = seal.Seq;
                if (seq != expected)
                {
                    if (seq > expected && anchors.TryGetValue(seq - 1, out var anchor) && anchor.FromSeq <= expected)
                    {
                        previous = anchor.LastHash;
                        pruned += seq - expected;
                    }
                    else
                    {
                        var why = unvouched.Contains(seq - 1) ? " (an anchor claims them, but no retention run vouches for it)" : "";
                        var places = seq - 1 == expected ? $"the entry at place {expected} is" : $"the entries at places {expected}–{seq - 1} are";
                        return new ChainReport(checkedCount, redacted, e.Id, $"{places} missing before entry {e.Id}{why}", pruned);
                    }
                }

                // An erasure that rewrote a sealed entry's label leaves a hash that cannot match; the
                // entry holds only if an intact erasure entry recorded it exactly as it now stands.
                if (AuditChain.HashOf(previous, seq, e) != seal.Hash
                    && !(AuditChain.IsRedacted(e.Changes) && redactions.TryGetValue(e.Id, out var vouched) && vouched.Contains(TrailRedaction.RedactedDigest(e))))
                {
                    return new ChainReport(checkedCount, redacted, e.Id, $"entry {e.Id} does not match its hash (edited, inserted or the entry before it removed)", pruned);
                }

                if (AuditChain.Digest(e.Changes) != e.ChangesDigest)
                {
                    if (!AuditChain.IsRedacted(e.Changes))
                    {
                        return new ChainReport(checkedCount, redacted, e.Id, $"the changes of entry {e.Id} were edited (they no longer match their digest)", pruned);
                    }

                    redacted++;
                }

                previous = seal.Hash;
                expected = seq + 1;
                lastSeq = seq;
                checkedCount++;
            }
        }
    }

    /// <summary>
    /// The first entry with neither a seal nor a place on the work list: the trigger puts every
    /// entry written on the list in the writer's transaction, so such an entry was slipped in around
    /// it (or its place on the list was removed by hand) and would otherwise never be checked.
    /// </summary>
    private async Task<long?> OutsideTheChainAsync(CancellationToken cancellationToken) =>
        await db.AuditEntries
            .Where(e => !db.AuditSeals.Any(s => s.EntryId == e.Id) && !db.AuditPending.Any(p => p.EntryId == e.Id))
            .OrderBy(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The anchors by the place they end at, keeping only those whose retention run's "pruned" entry
    /// records the digest of exactly its anchors (that entry itself is checked by the walk).
    /// </summary>
    private async Task<(Dictionary<long, AuditGap> Trusted, HashSet<long> Unvouched)> TrustedAnchorsAsync(CancellationToken cancellationToken)
    {
        var gaps = await db.AuditGaps.AsNoTracking().ToListAsync(cancellationToken);
        var trusted = new Dictionary<long, AuditGap>();
        var unvouched = new HashSet<long>();
        if (gaps.Count == 0)
        {
            return (trusted, unvouched);
        }

        var runs = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == PruneAuditTrail.Action && e.EntityType == PruneAuditTrail.EntityType)
            .Select(e => new { e.Id, e.Changes, e.ChangesDigest }).ToDictionaryAsync(e => e.Id, cancellationToken);
        foreach (var group in gaps.GroupBy(g => g.PrunedByEntryId))
        {
            var vouched = runs.TryGetValue(group.Key, out var run) && AuditChain.Digest(run.Changes) == run.ChangesDigest
                && PruneAuditTrail.RecordedGapsDigest(run.Changes) == AuditChain.GapsDigest(group);
            foreach (var gap in group)
            {
                if (!vouched)
                {
                    unvouched.Add(gap.ToSeq);
                }
                else if (!trusted.TryGetValue(gap.ToSeq, out var known) || gap.FromSeq < known.FromSeq)
                {
                    trusted[gap.ToSeq] = gap;
                }
            }
        }

        return (trusted, unvouched);
    }
}
