using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Scheduler;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>What one retention run removed of one kind.</summary>
public sealed record RetentionOutcome(string Trail, string Kind, DateTime Before, int Removed);

/// <summary>
/// The retention job (ADR 0007): removes history entries of each configured entity type and
/// activity-log entries of each configured kind that are older than their retention period. History
/// is removed in batches, each in one transaction that holds the chain lock, seals what is waiting
/// (only sealed entries are removed), sets the guard row the DELETE trigger checks (kind and
/// cut-off), removes exactly the selected entries, clears the guard, leaves an anchor for every gap
/// it opened or widened, and appends and seals a "pruned" entry (kind, how many, up to which date,
/// and a digest of its anchors) plus an activity-log line. The last sealed entry of the trail is
/// never removed, so every gap has a kept entry after it. The activity log
/// is append-only too: its entries go in batches under the same guard row (trail "activity"),
/// each batch in one transaction with its activity-log line.
/// </summary>
public sealed class PruneAuditTrail(CrmDb db, TimeProvider clock, ActivityLog activity) : IRecurringJob
{
    public const string JobName = "retention";
    public const string Action = "pruned";
    public const string EntityType = "audit-trail";
    public const string ActivityKind = "retention-applied";

    private const int BatchSize = 1000;

    // Bounds one run's work; what is left is removed by the next run.
    private const int MaxBatches = 50;

    public async Task RunAsync(CancellationToken cancellationToken) => await PruneAsync(cancellationToken);

    public async Task<IReadOnlyList<RetentionOutcome>> PruneAsync(CancellationToken cancellationToken)
    {
        var periods = await db.RetentionPeriods.AsNoTracking().OrderBy(p => p.Trail).ThenBy(p => p.Kind).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var outcomes = new List<RetentionOutcome>();
        foreach (var period in periods.Where(p => p.KeepDays > 0))
        {
            var before = now.AddDays(-period.KeepDays);
            var removed = 0;
            if (period.Trail == RetentionTrails.History && period.Kind != EntityType)
            {
                // Entries kept under a former name of the kind go with it, each name under its own guard.
                foreach (var name in AuditNames.WrittenNames(period.Kind))
                {
                    for (var i = 0; i < MaxBatches; i++)
                    {
                        var batch = await PruneHistoryBatchAsync(name, before, cancellationToken);
                        removed += batch;
                        if (batch < BatchSize)
                        {
                            break;
                        }
                    }
                }
            }
            else if (period.Trail == RetentionTrails.Activity && period.Kind != ActivityKind)
            {
                for (var i = 0; i < MaxBatches; i++)
                {
                    var batch = await PruneActivityBatchAsync(period.Kind, before, cancellationToken);
                    removed += batch;
                    if (batch < BatchSize)
                    {
                        break;
                    }
                }
            }

            outcomes.Add(new RetentionOutcome(period.Trail, period.Kind, before, removed));
        }

        return outcomes;
    }

    private async Task<int> PruneHistoryBatchAsync(string kind, DateTime before, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await AuditChain.LockAsync(db, cancellationToken);

        // The guard is written first: on SQLite that takes the write lock, so nobody seals while this batch works.
        db.AuditRetentionGuard.Add(new AuditRetentionGuard { Trail = RetentionTrails.History, Kind = kind, Before = before });
        await db.SaveChangesAsync(cancellationToken);
        // Entries waiting for their seal would otherwise stay behind, out of the job's reach.
        await AuditChain.SealAsync(db, cancellationToken);

        // The places of this kind's entries, oldest first, never the chain's last: verification starts
        // again after a gap, so something must be left after it.
        var lastSeq = await db.AuditSeals.MaxAsync(s => (long?)s.Seq, cancellationToken) ?? 0;
        var victims = await (from s in db.AuditSeals
                             join e in db.AuditEntries on s.EntryId equals e.Id
                             where e.EntityType == kind && e.At < before && s.Seq < lastSeq
                             orderby s.Seq
                             select new { s.Seq, s.EntryId, s.Hash }).Take(BatchSize).ToListAsync(cancellationToken);
        if (victims.Count == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return 0;
        }

        var upTo = victims[^1].Seq;
        // Seals first: their guard looks up each entry's kind and time, so the entry must still be there.
        var ids = victims.Select(v => v.EntryId).ToList();
        var seals = await db.AuditSeals.Where(s => ids.Contains(s.EntryId)).ExecuteDeleteAsync(cancellationToken);
        var removed = await db.AuditEntries.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
        if (removed != victims.Count || seals != victims.Count)
        {
            throw new InvalidOperationException($"Retention selected {victims.Count} entries of {kind} but would remove {removed} and {seals} seals; nothing was removed.");
        }

        await db.AuditRetentionGuard.Where(g => g.Id == AuditRetentionGuard.TheId).ExecuteDeleteAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var anchors = await AnchorsAsync(victims.ToDictionary(v => v.Seq, v => v.Hash), cancellationToken);
        var ticks = clock.GetUtcNow().UtcDateTime.Ticks;
        var changes = new JsonObject
        {
            ["kind"] = new JsonObject { ["new"] = kind },
            ["removed"] = new JsonObject { ["new"] = removed },
            ["before"] = new JsonObject { ["new"] = before.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) },
            ["firstSeq"] = new JsonObject { ["new"] = victims[0].Seq },
            ["lastSeq"] = new JsonObject { ["new"] = upTo },
            ["anchors"] = new JsonObject { ["new"] = AuditChain.GapsDigest(anchors) },
        };
        var record = AuditCapture.New(AuditWho.System, new DateTime(ticks - (ticks % 10), DateTimeKind.Utc), EntityType, kind,
            $"History of {kind}", Action, changes);
        db.AuditEntries.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(record).State = EntityState.Detached;
        await AuditChain.SealAsync(db, cancellationToken);
        foreach (var anchor in anchors)
        {
            anchor.PrunedByEntryId = record.Id;
        }

        db.AuditGaps.AddRange(anchors);
        activity.Record(Actor.System, ActivityKind,
            $"Retention removed {removed} history {(removed == 1 ? "entry" : "entries")} of {kind} older than {Day(before)} (places {victims[0].Seq}–{upTo} of the chain).");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return removed;
    }

    /// <summary>
    /// One anchor per gap this batch opened or widened: the whole run of missing places around the
    /// removed entries (earlier gaps next to them included) and the hash of its last entry, taken
    /// from the removed entries or, when that entry went in an earlier run, from that run's anchor.
    /// </summary>
    private async Task<List<AuditGap>> AnchorsAsync(Dictionary<long, string> removed, CancellationToken cancellationToken)
    {
        var anchors = new List<AuditGap>();
        long coveredTo = 0;
        foreach (var seq in removed.Keys.Order())
        {
            if (seq <= coveredTo)
            {
                continue;
            }

            var keptBefore = await db.AuditSeals.Where(s => s.Seq < seq).MaxAsync(s => (long?)s.Seq, cancellationToken) ?? 0;
            var keptAfter = await db.AuditSeals.Where(s => s.Seq > seq).MinAsync(s => (long?)s.Seq, cancellationToken)
                ?? throw new InvalidOperationException("Retention never removes the newest entry, yet none is left after the removed ones.");
            var to = keptAfter - 1;
            var hash = removed.TryGetValue(to, out var known) ? known
                : await db.AuditGaps.Where(g => g.ToSeq == to).Select(g => g.LastHash).FirstOrDefaultAsync(cancellationToken)
                  ?? throw new InvalidOperationException($"The entry at place {to} is missing without an anchor: the trail was changed outside the retention job (run audit verify).");
            anchors.Add(new AuditGap { FromSeq = keptBefore + 1, ToSeq = to, LastHash = hash });
            coveredTo = to;
        }

        return anchors;
    }

    /// <summary>
    /// One batch of activity-log entries, in one transaction with its own activity line: the
    /// guard row opens the log's DELETE trigger for this kind and cut-off only, exactly the
    /// selected entries go, and the guard is removed again before the line is written.
    /// </summary>
    private async Task<int> PruneActivityBatchAsync(string kind, DateTime before, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Written first, as for history: on SQLite that takes the write lock for the whole batch.
        db.AuditRetentionGuard.Add(new AuditRetentionGuard { Trail = RetentionTrails.Activity, Kind = kind, Before = before });
        await db.SaveChangesAsync(cancellationToken);

        var victims = await db.ActivityLog.AsNoTracking()
            .Where(a => a.Kind == kind && a.At < before)
            .OrderBy(a => a.Id).Take(BatchSize).Select(a => a.Id).ToListAsync(cancellationToken);
        if (victims.Count == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return 0;
        }

        var upTo = victims[^1];
        var removed = await db.ActivityLog.Where(a => a.Kind == kind && a.At < before && a.Id <= upTo).ExecuteDeleteAsync(cancellationToken);
        if (removed != victims.Count)
        {
            throw new InvalidOperationException($"Retention selected {victims.Count} activity-log entries of {kind} but would remove {removed}; nothing was removed.");
        }

        await db.AuditRetentionGuard.Where(g => g.Id == AuditRetentionGuard.TheId).ExecuteDeleteAsync(cancellationToken);
        db.ChangeTracker.Clear();

        activity.Record(Actor.System, ActivityKind,
            $"Retention removed {removed} activity-log {(removed == 1 ? "entry" : "entries")} of kind {kind} older than {Day(before)}.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return removed;
    }

    private static string Day(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The anchors digest a "pruned" entry recorded, or null.</summary>
    public static string? RecordedGapsDigest(string changes)
    {
        try
        {
            return JsonNode.Parse(changes)?["anchors"]?["new"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
