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
/// The hash chain of the audit trail (ADR 0006). Each entry's <see cref="AuditEntry.Hash"/> is
/// SHA-256 over the previous entry's hash, the entry's own fields and the digest of its changes;
/// the changes themselves are covered only through <see cref="AuditEntry.ChangesDigest"/>, so a
/// GDPR erasure can redact values inside them (marking the entry with <see cref="RedactedMarker"/>)
/// without breaking the chain. Appending is serialised: on PostgreSQL by a transaction-scoped
/// advisory lock taken before the last hash is read; on SQLite by the database write lock, which
/// the writing transaction already holds (it has just written the change being audited).
/// </summary>
public static class AuditChain
{
    /// <summary>Top-level key an erasure job adds to <see cref="AuditEntry.Changes"/> when it redacts values.</summary>
    public const string RedactedMarker = "$redacted";

    // Any fixed number: every writer of the chain takes this lock, nobody else does.
    private const long ChainLock = 0x43524D4155444954; // "CRMAUDIT"

    /// <summary>Chains <paramref name="entries"/> and saves them with one SaveChanges, in the caller's transaction.</summary>
    public static async Task AppendAsync(CrmDb db, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await ChainAsync(db, entries, cancellationToken);
        db.AuditEntries.AddRange(entries);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var entry in entries)
        {
            db.Entry(entry).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Takes the chain lock, then gives each entry its place (last id + 1, ...) and its hash. The
    /// caller saves them before its transaction ends; until then nobody else can append.
    /// </summary>
    public static async Task ChainAsync(CrmDb db, List<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var (id, previous) = await LockAndReadEndAsync(db, cancellationToken);
        foreach (var entry in entries)
        {
            entry.Id = ++id;
            entry.ChangesDigest = Digest(entry.Changes);
            entry.Hash = HashOf(previous, entry);
            previous = entry.Hash;
        }
    }

    /// <summary>
    /// The chain's last id and hash, read under the chain lock. On PostgreSQL the lock and the read
    /// go in one round trip: two statements of one batch, so the read's snapshot is taken after the
    /// lock is granted and sees every entry committed before it (a single statement would not).
    /// </summary>
    private static async Task<(long Id, string Hash)> LockAndReadEndAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
                ?? throw new InvalidOperationException("The audit chain is appended to inside a transaction only.");
            await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({ChainLock})"),
                    new NpgsqlBatchCommand("""SELECT "Id", "Hash" FROM "AuditEntries" ORDER BY "Id" DESC LIMIT 1"""),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : (0, "");
        }

        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        return (last?.Id ?? 0, last?.Hash ?? "");
    }

    /// <summary>
    /// Takes the chain lock for the rest of the current transaction. On PostgreSQL an advisory lock
    /// (re-entrant within the transaction); SQLite's writer already holds the database write lock.
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
        Digest(string.Join(";", gaps.OrderBy(g => g.FromId).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.FromId}-{g.ToId}:{g.LastHash}"))));

    public static string Digest(string changes) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(changes)));

    /// <summary>The entry's hash: a JSON array of the previous hash and every field but the changes (represented by their digest).</summary>
    public static string HashOf(string previousHash, AuditEntry e)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            previousHash, e.Id, e.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
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

/// <summary>What <see cref="VerifyAuditChain"/> found. <c>Pruned</c>: entries removed by retention, bridged by their anchors.</summary>
public sealed record ChainReport(long Checked, long Redacted, long? FirstBrokenId, string? Problem, long Pruned = 0)
{
    public bool Intact => FirstBrokenId is null;
}

/// <summary>
/// Walks the chain in order and names the first entry that does not fit: a hash that does not
/// match its fields (edited, or inserted without the chain), a gap in the sequence (deleted), or
/// changes that no longer match their digest without being marked as redacted (edited values).
/// A gap left by the retention job is bridged by its anchor (the hash of the last removed entry),
/// but only if the job's own "pruned" entry vouches for that anchor by its digest: an anchor
/// slipped in by hand to hide a deletion is not trusted.
/// </summary>
public sealed class VerifyAuditChain(CrmDb db)
{
    private const int Batch = 2000;

    public async Task<ChainReport> RunAsync(CancellationToken cancellationToken)
    {
        var (anchors, unvouched) = await TrustedAnchorsAsync(cancellationToken);
        long checkedCount = 0, redacted = 0, pruned = 0, lastId = 0;
        var previous = "";
        long expectedId = 1;
        while (true)
        {
            var batch = await db.AuditEntries.AsNoTracking().Where(e => e.Id > lastId).OrderBy(e => e.Id).Take(Batch).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new ChainReport(checkedCount, redacted, null, null, pruned);
            }

            foreach (var e in batch)
            {
                if (e.Id != expectedId)
                {
                    if (e.Id > expectedId && anchors.TryGetValue(e.Id - 1, out var anchor) && anchor.FromId <= expectedId)
                    {
                        previous = anchor.LastHash;
                        pruned += e.Id - expectedId;
                    }
                    else
                    {
                        var why = unvouched.Contains(e.Id - 1) ? " (an anchor claims them, but no retention run vouches for it)" : "";
                        return new ChainReport(checkedCount, redacted, e.Id,
                            e.Id > expectedId ? $"entries {expectedId}–{e.Id - 1} are missing before entry {e.Id}{why}" : $"entry {e.Id} is out of sequence", pruned);
                    }
                }

                if (AuditChain.HashOf(previous, e) != e.Hash)
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

                previous = e.Hash;
                expectedId = e.Id + 1;
                lastId = e.Id;
                checkedCount++;
            }
        }
    }

    /// <summary>
    /// The anchors by the id they end at, keeping only those whose retention run's "pruned" entry
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
                    unvouched.Add(gap.ToId);
                }
                else if (!trusted.TryGetValue(gap.ToId, out var known) || gap.FromId < known.FromId)
                {
                    trusted[gap.ToId] = gap;
                }
            }
        }

        return (trusted, unvouched);
    }
}
