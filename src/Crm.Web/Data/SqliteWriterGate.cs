using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Crm.Web.Data;

/// <summary>
/// Lets the CRM's own transactions on one SQLite file take turns in the process instead of in the
/// file (ADR 0013). SQLite admits one writer at a time, and a writer that finds the file locked
/// sleeps in growing steps (1, 2, 5, 10 ms, …) before it looks again, so under concurrent writes
/// the lock often lies free while every waiter sleeps: with auditing on, a quarter of the CPU sat
/// idle during the write benchmark. Here a transaction waits on an async gate that opens the
/// moment the previous one ends. The file's own locking still guards everything else (another
/// process, a statement outside a transaction), and a wait longer than <see cref="Patience"/>
/// goes on without the gate, leaving it to SQLite's busy timeout as before.
/// </summary>
public sealed partial class SqliteWriterGate : DbTransactionInterceptor
{
    public static readonly SqliteWriterGate Instance = new();

    /// <summary>Well under the busy timeout (5 s): a transaction that waits this long is left to SQLite.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a background transaction (<see cref="AsBackground"/>) lets the users' transactions
    /// that are waiting go first before it takes its own turn anyway: bounded, so background work is
    /// slowed under load but never starved.
    /// </summary>
    public static readonly TimeSpan Deference = TimeSpan.FromMilliseconds(250);

    // One gate per database file, shared by every context of the process that opens it.
    private static readonly ConcurrentDictionary<string, Gate> s_gates = new(StringComparer.Ordinal);

    // Set for the work of a background worker (its async flow), see AsBackground.
    private static readonly AsyncLocal<bool> s_background = new();

#pragma warning disable CA1001 // One gate per database file for the life of the process: never disposed.
    private sealed class Gate
#pragma warning restore CA1001
    {
        public readonly SemaphoreSlim Turn = new(1, 1);

        // The transactions of people (not of background workers) waiting for a turn.
        public int ForegroundWaiting;

        // Background work joins the queue only when the gate is free and no person waits: once queued,
        // it would be served in its turn ahead of people who came after it.
        public bool Defers => Volatile.Read(ref ForegroundWaiting) > 0 || Turn.CurrentCount == 0;
    }

    /// <summary>
    /// Marks the work that follows, in this async flow, as background work (the webhook and automation
    /// workers): on SQLite its transactions let the users' waiting transactions go first, for up to
    /// <see cref="Deference"/>, so the CRM's background writes cost the people using it less. Has no
    /// effect elsewhere (PostgreSQL has no gate).
    /// </summary>
    public static IDisposable AsBackground()
    {
        var before = s_background.Value;
        s_background.Value = true;
        return new Restore(before);
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => s_background.Value = before;
    }

    // Which connection (EF's id for it) holds which gate: released when its transaction ends, or at the latest when the connection closes or goes.
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> s_held = new();

    // The gate is taken before BEGIN, so BEGIN runs here: EF raises no event when BEGIN itself fails
    // (the file locked by another process past the busy timeout, a cancelled request), and a gate
    // taken for a transaction that never started would stay shut.
    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        var gate = GateOf(connection);
        if (Wait(gate))
        {
            s_held[eventData.ConnectionId] = gate.Turn;
        }
        else
        {
            TimedOut(eventData.Context);
        }

        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            Release(eventData.ConnectionId);
            throw;
        }
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        var gate = GateOf(connection);
        if (await WaitAsync(gate, cancellationToken))
        {
            s_held[eventData.ConnectionId] = gate.Turn;
        }
        else
        {
            TimedOut(eventData.Context);
        }

        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            Release(eventData.ConnectionId);
            throw;
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.ConnectionId);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.ConnectionId);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    // A failed COMMIT, ROLLBACK or savepoint: the gate opens at once. SQLite may keep the transaction
    // (a COMMIT refused by a deferred foreign key); the next one then meets the file lock and its
    // busy timeout, as without the gate, until this one is rolled back (which finds nothing held).
    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.ConnectionId);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Opens the gate a connection still holds. Called when its transaction ends, and when the
    /// connection closes or is disposed: a transaction disposed without commit or rollback raises
    /// no event here, but its context closes or disposes the connection.
    /// </summary>
    public static void Release(Guid connectionId)
    {
        if (s_held.TryRemove(connectionId, out var gate))
        {
            gate.Release();
        }
    }

    /// <summary>Whether no transaction of this process holds the gate of the file (for tests).</summary>
    internal static bool IsOpen(string dataSource) => !s_gates.TryGetValue(dataSource, out var gate) || gate.Turn.CurrentCount == 1;

    private static Gate GateOf(DbConnection connection) => s_gates.GetOrAdd(((SqliteConnection)connection).DataSource, _ => new Gate());

    // A person's transaction is counted while it waits, so that background work can let it go first.
    private static bool Wait(Gate gate)
    {
        if (s_background.Value)
        {
            var deferred = System.Diagnostics.Stopwatch.StartNew();
            while (gate.Defers && deferred.Elapsed < Deference)
            {
                Thread.Sleep(5);
            }

            return gate.Turn.Wait(Patience);
        }

        Interlocked.Increment(ref gate.ForegroundWaiting);
        try
        {
            return gate.Turn.Wait(Patience);
        }
        finally
        {
            Interlocked.Decrement(ref gate.ForegroundWaiting);
        }
    }

    private static async Task<bool> WaitAsync(Gate gate, CancellationToken cancellationToken)
    {
        if (s_background.Value)
        {
            // Real time: how long background work defers, not a time the CRM records.
            var deferred = System.Diagnostics.Stopwatch.StartNew();
            while (gate.Defers && deferred.Elapsed < Deference)
            {
                await Task.Delay(5, cancellationToken);
            }

            return await gate.Turn.WaitAsync(Patience, cancellationToken);
        }

        Interlocked.Increment(ref gate.ForegroundWaiting);
        try
        {
            return await gate.Turn.WaitAsync(Patience, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref gate.ForegroundWaiting);
        }
    }

    private static void TimedOut(DbContext? context)
    {
        if (context?.GetService<ILoggerFactory>() is { } loggers)
        {
            LogGateTimedOut(loggers.CreateLogger<SqliteWriterGate>(), Patience.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A SQLite transaction waited {Seconds} s for the one before it (a long import or retention batch?) and goes on without the writer gate, leaving the wait to SQLite's busy timeout")]
    private static partial void LogGateTimedOut(ILogger logger, double seconds);
}
