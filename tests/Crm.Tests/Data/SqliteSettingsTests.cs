using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Data;

public sealed class SqliteSettingsTests
{
    [Fact]
    public async Task Sqlite_runs_in_wal_mode_with_a_busy_timeout()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        var (journal, timeout) = await app.InDatabaseAsync(async db =>
        {
            if (!db.Database.IsSqlite())
            {
                return ("wal", 5000L); // PostgreSQL has neither setting: nothing to check there.
            }

            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            var mode = (string)(await command.ExecuteScalarAsync())!;
            command.CommandText = "PRAGMA busy_timeout;";
            var busy = (long)(await command.ExecuteScalarAsync())!;
            return (mode, busy);
        });

        Assert.Equal("wal", journal);
        Assert.Equal(5000L, timeout);
    }

    [Fact]
    public async Task Every_open_of_a_pooled_connection_keeps_the_busy_timeout_and_synchronous_normal()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        var seen = new List<(long Busy, long Synchronous)>();
        // Two connections open at once (so two physical connections), twice over (so the second
        // time both come from the pool, set up when they were first opened).
        for (var i = 0; i < 2; i++)
        {
            await app.InDatabaseAsync(async outer =>
            {
                if (!outer.Database.IsSqlite())
                {
                    return 0; // PostgreSQL has neither setting: nothing to check there.
                }

                await outer.Database.OpenConnectionAsync();
                await app.InDatabaseAsync(async inner =>
                {
                    await inner.Database.OpenConnectionAsync();
                    seen.Add(await SettingsAsync(inner));
                    return 0;
                });
                seen.Add(await SettingsAsync(outer));
                return 0;
            });
        }

        // synchronous 1 is NORMAL (SQLite's own default is 2, FULL).
        Assert.All(seen, s => Assert.Equal((5000L, 1L), s));
    }

    private static async Task<(long Busy, long Synchronous)> SettingsAsync(Crm.Web.Data.CrmDb db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        var busy = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA synchronous;";
        var synchronous = (long)(await command.ExecuteScalarAsync())!;
        return (busy, synchronous);
    }
}
