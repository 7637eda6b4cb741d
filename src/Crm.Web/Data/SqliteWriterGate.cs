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

    // One gate per database file, shared by every context of the process that opens it.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_gates = new(StringComparer.Ordinal);

    // Which connection (EF's id for it) holds which gate: released when its transaction ends, or at the latest when the connection closes or goes.
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> s_held = new();

    // The gate is taken before BEGIN, so BEGIN runs here: EF raises no event when BEGIN itself fails
    // (the file locked by another process past the busy timeout, a cancelled request), and a gate
    // taken for a transaction that never started would stay shut.
    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        var gate = GateOf(connection);
        if (gate.Wait(Patience))
        {
            s_held[eventData.ConnectionId] = gate;
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
        if (await gate.WaitAsync(Patience, cancellationToken))
        {
            s_held[eventData.ConnectionId] = gate;
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
    internal static bool IsOpen(string dataSource) => !s_gates.TryGetValue(dataSource, out var gate) || gate.CurrentCount == 1;

    private static SemaphoreSlim GateOf(DbConnection connection) =>
        s_gates.GetOrAdd(((SqliteConnection)connection).DataSource, _ => new SemaphoreSlim(1, 1));

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
