using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Data;

/// <summary>
/// The in-process gate of SQLite transactions (ADR 0013): one transaction at a time per file, the
/// next one let in the moment the previous one ends, however it ends. Runs on SQLite whatever the
/// provider under test, since the gate exists only there.
/// </summary>
public sealed class SqliteWriterGateTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"crm-gate-{Guid.NewGuid():N}.db");

    private CrmDb Open(string extra = "")
    {
        var options = new DbContextOptionsBuilder<CrmDb>();
        options.UseCrmDatabase(DatabaseProvider.Sqlite, $"Data Source={_file}{extra}", Path.GetTempPath());
        return new CrmDb(options.Options);
    }

    [Fact]
    public async Task A_second_transaction_waits_for_the_first_and_starts_as_soon_as_it_commits()
    {
        await using var first = Open();
        await using var second = Open();
        await using var one = await first.Database.BeginTransactionAsync();
        Assert.False(SqliteWriterGate.IsOpen(_file));

        var waiting = second.Database.BeginTransactionAsync();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        await one.CommitAsync();
        await using var two = await waiting.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.False(SqliteWriterGate.IsOpen(_file));
        await two.RollbackAsync();
        Assert.True(SqliteWriterGate.IsOpen(_file));
    }

    [Fact]
    public async Task Background_work_lets_a_person_who_came_later_go_first_and_then_takes_its_turn()
    {
        await using var holder = Open();
        await using var person = Open();
        await using var worker = Open();
        var held = await holder.Database.BeginTransactionAsync();

        Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> working;
        using (SqliteWriterGate.AsBackground())
        {
            working = worker.Database.BeginTransactionAsync();
        }

        await Task.Delay(50);
        var personWaits = person.Database.BeginTransactionAsync(); // a person's, after the worker's
        await Task.Delay(50);
        await held.CommitAsync();

        await using var personal = await personWaits.WaitAsync(TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.False(working.IsCompleted);
        await personal.CommitAsync();
        await using var background = await working.WaitAsync(TimeSpan.FromSeconds(1));
        await background.CommitAsync();
        Assert.True(SqliteWriterGate.IsOpen(_file));
    }

    [Fact]
    public async Task Background_work_defers_for_a_bounded_time_only()
    {
        await using var holder = Open();
        await using var worker = Open();
        var held = await holder.Database.BeginTransactionAsync();
        Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> working;
        using (SqliteWriterGate.AsBackground())
        {
            working = worker.Database.BeginTransactionAsync();
        }

        // Past the deference it waits in the queue like anyone: the holder's commit lets it in at once.
        await Task.Delay(SqliteWriterGate.Deference + TimeSpan.FromMilliseconds(100));
        await held.CommitAsync();
        await using var background = await working.WaitAsync(TimeSpan.FromMilliseconds(200));
        await background.RollbackAsync();
    }

    [Fact]
    public async Task A_transaction_disposed_unfinished_opens_the_gate()
    {
        await using (var first = Open())
        {
            var unfinished = await first.Database.BeginTransactionAsync();
            await first.Database.ExecuteSqlRawAsync("CREATE TABLE t (x INTEGER)");
            await unfinished.DisposeAsync(); // neither committed nor rolled back
        }

        Assert.True(SqliteWriterGate.IsOpen(_file));
        await using var second = Open();
        await using var next = await second.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(1));
        await second.Database.ExecuteSqlRawAsync("CREATE TABLE t (x INTEGER)"); // the first one's table was rolled back
        await next.CommitAsync();
    }

    [Fact]
    public async Task A_context_disposed_with_its_transaction_still_open_opens_the_gate()
    {
        var first = Open();
        _ = await first.Database.BeginTransactionAsync();
        Assert.False(SqliteWriterGate.IsOpen(_file));
        await first.DisposeAsync();
        Assert.True(SqliteWriterGate.IsOpen(_file));
    }

    [Fact]
    public async Task A_failed_commit_opens_the_gate()
    {
        await using var db = Open();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO child VALUES (42)");
        await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync());
        Assert.True(SqliteWriterGate.IsOpen(_file));
    }

    [Fact]
    public async Task A_transaction_that_cannot_begin_leaves_the_gate_open()
    {
        // Another process holds the file's write lock past the busy timeout: BEGIN itself fails.
        await using (var setup = Open())
        {
            await setup.Database.ExecuteSqlRawAsync("CREATE TABLE t (x INTEGER)");
        }

        await using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_file};Pooling=False");
        await other.OpenAsync();
        await using var holding = await other.BeginTransactionAsync();
        await using (var write = other.CreateCommand())
        {
            write.CommandText = "INSERT INTO t VALUES (1)";
            await write.ExecuteNonQueryAsync();
        }

        await using (var blocked = Open(";Default Timeout=1"))
        {
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => blocked.Database.BeginTransactionAsync());
            Assert.True(SqliteWriterGate.IsOpen(_file));
        }

        await holding.RollbackAsync();
        await using var next = Open();
        await using var started = await next.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(1));
        await started.CommitAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }
}
