using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Operations.Benchmarks;

/// <summary>
/// <c>dataset time-history</c>: what opening the first page of a record's history costs the
/// application, against the raw SQL query for the same entries, both run in this process on the
/// same connection pool by the same number of parallel callers. The history side is the whole use
/// case the page and the API call (<see cref="ReadHistory"/>: the record looked up within the
/// caller's scope, the entries, the names of the users they mention, hidden fields filtered)
/// and the JSON the API answers with; the raw side reads the same rows and columns with one
/// parameterised command. HTTP, the session check and the cookie are left out of both: they are
/// the same for every request (the session query also reads the permission stamp) and
/// <c>bench/auth-overhead.sh</c> measures them. Used by
/// <c>bench/audit-write.sh</c>.
/// </summary>
public static class HistoryTiming
{
    // What the page shows of one record's entries, newest first, one page and one more: the same
    // index range scan and columns the use case asks for.
    private const string RawSql = """
        SELECT "Id", "At", "Action", "ActorKind", "ActorName", "ApiTokenName", "IpAddress", "Label", "Changes" FROM "AuditEntries"
        WHERE "EntityType" = @type AND "EntityId" = @id ORDER BY "Id" DESC LIMIT @take
        """;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(IServiceProvider services, string module, int id, TimeSpan duration, int callers, TextWriter output,
        TimeSpan? warmUp = null)
    {
        Actor actor;
        Guid? stamp;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var administrator = await db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive)
                .OrderBy(u => u.CreatedAt).Select(u => new { u.Id, u.FullName }).FirstOrDefaultAsync();
            if (administrator is null)
            {
                await Console.Error.WriteLineAsync("No active administrator to read the history as.");
                return 1;
            }

            // Read as an administrator, like the API benchmark's signed-in caller.
            actor = new Actor(ActorKind.User, administrator.Id, IsAdministrator: true, administrator.FullName);
            stamp = await PermissionStamp.CurrentAsync(db, CancellationToken.None);
            var first = await OpenHistoryAsync(services, actor, stamp, module, id);
            if (first == 0)
            {
                await Console.Error.WriteLineAsync($"{module} {id} has no history this administrator may read.");
                return 1;
            }
        }

        var key = id.ToString(CultureInfo.InvariantCulture);
        Func<Task<int>> history = () => OpenHistoryAsync(services, actor, stamp, module, id);
        Func<Task<int>> raw = () => RawQueryAsync(services, module, key);

        // Both warm up first (pooled connections, prepared statements, and above all the JIT: on two
        // cores the tiered compiler recompiles EF's and Npgsql's hot paths for seconds after the
        // first calls, and a 3-second warm-up measured the history at half its settled rate).
        await MeasureAsync(history, warmUp ?? WarmUp, callers);
        await MeasureAsync(raw, (warmUp ?? WarmUp) / 2, callers);
        var (historyRate, historyP50, rows) = await MeasureAsync(history, duration, callers);
        var (rawRate, rawP50, rawRows) = await MeasureAsync(raw, duration, callers);

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            History of {module} {id}, first page, {callers} parallel callers, {duration.TotalSeconds:0} s each:
            history {historyRate:0.0} per second, p50 {historyP50:0.000} ms ({rows} entries a page)
            raw-sql {rawRate:0.0} per second, p50 {rawP50:0.000} ms ({rawRows} rows a query)
            ratio {historyP50 / rawP50:0.00} (history p50 / raw SQL p50; by throughput {rawRate / historyRate:0.00})
            """));
        return 0;
    }

    /// <summary>
    /// One opening of the page, as a request makes it: its own scope, the use case, the JSON answer.
    /// A request's session check reads the permission stamp in the same query as the session and
    /// hands it on; here it was read once, since nothing changes permissions while this runs.
    /// </summary>
    private static async Task<int> OpenHistoryAsync(IServiceProvider services, Actor actor, Guid? stamp, string module, int id)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestPermissionStamp>().Token = stamp;
        var result = await scope.ServiceProvider.GetRequiredService<ReadHistory>().RunAsync(actor, module, id, null, null, CancellationToken.None);
        if (result.Value is not { } page)
        {
            return 0;
        }

        _ = JsonSerializer.SerializeToUtf8Bytes(HistoryAnswer.Of(page), HistoryJson.Default.HistoryAnswer);
        return page.Items.Count;
    }

    /// <summary>The bare query on a pooled connection of the same database, every value of every row read.</summary>
    private static async Task<int> RawQueryAsync(IServiceProvider services, string module, string key)
    {
        await using var scope = services.CreateAsyncScope();
        var connection = scope.ServiceProvider.GetRequiredService<CrmDb>().Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = RawSql;
        command.AddParameter("@type", module);
        command.AddParameter("@id", key);
        command.AddParameter("@take", ReadHistory.DefaultPageSize + 1);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }

        return rows;
    }

    private static async Task<(double PerSecond, double P50Milliseconds, int Rows)> MeasureAsync(Func<Task<int>> operation, TimeSpan duration, int callers)
    {
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var rows = 0;
            // Every caller runs at least once, so each reports its rows even when the machine is so
            // busy that the duration has passed before it starts.
            do
            {
                var started = Stopwatch.GetTimestamp();
                rows = await operation();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            while (clock.Elapsed < duration);

            return (latencies, rows);
        })).ToList();
        var done = await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = done.SelectMany(d => d.latencies).Order().ToList();
        return (all.Count / elapsed, all.Count == 0 ? 0 : all[all.Count / 2], done[0].rows);
    }
}
