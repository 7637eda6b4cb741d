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
}
