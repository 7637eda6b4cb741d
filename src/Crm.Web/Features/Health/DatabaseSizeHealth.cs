using System.Data.Common;
using Crm.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Crm.Web.Features.Health;

/// <summary>
/// The database's size in MB and its growth over the last 7 days, read from this indicator's own
/// daily figures (<see cref="HealthReading"/>). PostgreSQL: <c>pg_database_size</c>; SQLite: the
/// database file as SQLite counts it (pages × page size) plus its write-ahead log, which holds
/// committed changes not yet copied back and takes disk space all the same.
/// </summary>
public sealed class DatabaseSizeHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "database-size";
    public const int GrowthDays = 7;
    private const double Megabyte = 1024 * 1024;

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Database size",
        "The size of the CRM's database and how much it grew in 7 days. Plan disk space and backups before it fills the disk; retention (Administration › Retention) keeps history from growing forever.",
        "/admin/retention", "MB", HealthDirection.HigherIsWorse, 10_000, 50_000, 0, 100_000_000) { Order = 110 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var size = Math.Round(await BytesAsync(cancellationToken) / Megabyte, 2);
        var today = DateOnly.FromDateTime(now);
        var weekAgo = today.AddDays(-GrowthDays);
        // The oldest figure of the last 7 days (the day 7 days ago if it was recorded): a new installation shows growth since its first day.
        var then = await db.Set<HealthReading>().AsNoTracking()
            .Where(r => r.Key == Key && r.Day >= weekAgo && r.Day < today && r.Figure != null)
            .OrderBy(r => r.Day).Select(r => new { r.Day, r.Figure }).FirstOrDefaultAsync(cancellationToken);
        var summary = $"{HealthIndicatorRegistration.Number(size)} MB";
        if (then?.Figure is { } before)
        {
            var growth = Math.Round(size - before, 2);
            var days = today.DayNumber - then.Day.DayNumber;
            var change = growth >= 0 ? $"+{HealthIndicatorRegistration.Number(growth)}" : HealthIndicatorRegistration.Number(growth);
            summary += $", {change} MB in {days} {(days == 1 ? "day" : "days")}";
        }
        else
        {
            summary += ", no figure from the last 7 days to compare with yet";
        }

        return new HealthFigure(size, summary);
    }

    private async Task<double> BytesAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            if (!db.Database.IsSqlite())
            {
                return await ScalarAsync(connection, "SELECT pg_database_size(current_database())", cancellationToken);
            }

            var pages = await ScalarAsync(connection, "PRAGMA page_count", cancellationToken);
            var pageSize = await ScalarAsync(connection, "PRAGMA page_size", cancellationToken);
            var file = (connection as SqliteConnection)?.DataSource;
            var wal = !string.IsNullOrEmpty(file) && File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0;
            return (pages * pageSize) + wal;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private async Task<double> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return Convert.ToDouble(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
