using System.Collections.Concurrent;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Import;

/// <summary>
/// Rows done of the runs this instance is working on, and the switch that cancels one. Kept in memory:
/// the import's own transaction holds what it wrote, and on SQLite it holds the write lock too, so a
/// progress column could not be written until the end. Another instance's run shows its status only.
/// </summary>
public sealed class ImportProgress
{
    private sealed class Running(int total, DateTime started, CancellationTokenSource cancel)
    {
        public int Done;
        public int Total { get; } = total;
        public DateTime Started { get; } = started;
        public CancellationTokenSource Cancel { get; } = cancel;
    }

    private readonly ConcurrentDictionary<int, Running> _runs = new();

    public CancellationToken Start(int runId, int total, DateTime now, CancellationToken stopping)
    {
        var running = new Running(total, now, CancellationTokenSource.CreateLinkedTokenSource(stopping));
        _runs[runId] = running;
        return running.Cancel.Token;
    }

    public void Advance(int runId)
    {
        if (_runs.TryGetValue(runId, out var running))
        {
            Interlocked.Increment(ref running.Done);
        }
    }

    /// <summary>The run starts its rows again (ADR 0054): none done.</summary>
    public void Rewind(int runId)
    {
        if (_runs.TryGetValue(runId, out var running))
        {
            Volatile.Write(ref running.Done, 0);
        }
    }

    public void End(int runId)
    {
        if (_runs.TryRemove(runId, out var running))
        {
            running.Cancel.Dispose();
        }
    }

    /// <summary>Asks the run to stop before it commits; false when this instance is not running it.</summary>
    public bool Cancel(int runId)
    {
        if (!_runs.TryGetValue(runId, out var running))
        {
            return false;
        }

        running.Cancel.Cancel();
        return true;
    }

    /// <summary>Rows done, of how many, and when the rest should be done at the pace so far; null when this instance is not running it.</summary>
    public (int Done, int Total, DateTime? Estimate)? Of(int runId, DateTime now)
    {
        if (!_runs.TryGetValue(runId, out var running))
        {
            return null;
        }

        var done = Volatile.Read(ref running.Done);
        DateTime? estimate = done == 0 ? null : now + (now - running.Started) / done * (running.Total - done);
        return (done, running.Total, estimate);
    }
}

/// <summary>The importable modules (each registered by its module through <see cref="RecordImportRegistration.AddRecordImport"/>), in menu order.</summary>
public sealed class ImportModules(IEnumerable<IRecordImport> modules)
{
    public IReadOnlyList<IRecordImport> All { get; } = modules.OrderBy(m => m.Definition.Order).ToList();

    public IRecordImport? Find(string? key) => All.FirstOrDefault(m => m.Definition.Key == key);
}

public static class ImportRuns
{
    /// <summary>The run if the actor may see it: its importer, or an administrator. Anyone else gets "not found".</summary>
    public static Task<ImportRun?> FindAsync(CrmDb db, Actor actor, int runId, CancellationToken cancellationToken) =>
        db.ImportRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId && (actor.IsAdministrator || r.CreatedById == actor.UserId), cancellationToken);

    /// <summary>The request ID the audit entries of an import's changes carry: the trail shows which import made a change.</summary>
    public static string RequestIdOf(int runId) => $"import-{runId}";
}
