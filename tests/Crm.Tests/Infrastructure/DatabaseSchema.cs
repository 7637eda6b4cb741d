using System.Data.Common;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// A database's schema as a sorted list of facts (one line per table, column, key, foreign key
/// and index), read from the catalog, so two databases can be compared line by line.
/// </summary>
public static class DatabaseSchema
{
    public static CrmDb Open(string connectionString)
    {
        var options = new DbContextOptionsBuilder<CrmDb>();
        options.UseCrmDatabase(TestDatabase.IsPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, connectionString, Path.GetTempPath());
        return new CrmDb(options.Options);
    }

    public static async Task<IReadOnlyList<string>> ReadAsync(CrmDb db)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            var facts = TestDatabase.IsPostgres ? await ReadPostgresAsync(connection) : await ReadSqliteAsync(connection);
            return facts.Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>What is in one schema and not the other, each line prefixed with where it is missing.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<string> migrated, IReadOnlyList<string> model) =>
        model.Except(migrated).Select(f => "missing from migrations: " + f)
            .Concat(migrated.Except(model).Select(f => "not in the model: " + f))
            .ToList();

    private static async Task<List<string>> ReadSqliteAsync(DbConnection connection)
    {
        var facts = new List<string>();
        var tables = await QueryAsync(connection,
            $"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        foreach (var table in tables.Where(t => !IsMigrationBookkeeping(t[0]!)))
        {
            var name = table[0]!;
            var autoincrement = table[1]!.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase);
            facts.Add($"table {name} autoincrement={autoincrement}");
            foreach (var c in await QueryAsync(connection, $"PRAGMA table_info('{name}')"))
            {
                facts.Add($"column {name}.{c[1]} type={c[2]} notnull={c[3]} default={c[4]} pk={c[5]}");
            }

            foreach (var fk in await QueryAsync(connection, $"PRAGMA foreign_key_list('{name}')"))
            {
                facts.Add($"fk {name}.{fk[3]} -> {fk[2]}.{fk[4]} on_update={fk[5]} on_delete={fk[6]}");
            }

            foreach (var index in await QueryAsync(connection, $"PRAGMA index_list('{name}')"))
            {
                var columns = await QueryAsync(connection, $"PRAGMA index_info('{index[1]}')");
                var where = (await QueryAsync(connection, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{index[1]}'")).FirstOrDefault()?[0];
                var filter = where is not null && where.Contains(" WHERE ", StringComparison.OrdinalIgnoreCase)
                    ? where[where.IndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase)..] : "";
                facts.Add($"index {name}.{index[1]} unique={index[2]} origin={index[3]} ({string.Join(",", columns.Select(c => c[2]))}){filter}");
            }
        }

        return facts;
    }

    private static async Task<List<string>> ReadPostgresAsync(DbConnection connection)
    {
        // Triggers and functions are created by migrations alone (EnsureCreated knows nothing of
        // them), so they are checked by their own tests, not here.
        var facts = new List<string>();
        foreach (var t in await QueryAsync(connection,
            $"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND {NotBookkeeping("table_name")}"))
        {
            facts.Add($"table {t[0]}");
        }

        foreach (var c in await QueryAsync(connection, $"""
            SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
                   is_nullable, column_default, is_identity, identity_generation, collation_name
            FROM information_schema.columns
            WHERE table_schema = 'public' AND {NotBookkeeping("table_name")}
            """))
        {
            facts.Add($"column {c[0]}.{c[1]} type={c[2]}({c[3]},{c[4]},{c[5]}) nullable={c[6]} default={c[7]} identity={c[8]}/{c[9]} collation={c[10]}");
        }

        foreach (var k in await QueryAsync(connection, $"""
            SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
            WHERE ns.nspname = 'public' AND {NotBookkeeping("rel.relname")}
              -- Constraint triggers ('t') are triggers, which the model cannot describe (tested on their own).
              AND con.contype <> 't'
            """))
        {
            facts.Add($"constraint {k[0]}.{k[1]} {k[2]} {k[3]}");
        }

        foreach (var i in await QueryAsync(connection,
            // Trigram indexes are expression indexes the EF model cannot describe (migration
            // TextSearchIndexes); TextSearchIndexTests proves they exist and are used instead.
            $"SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND {NotBookkeeping("tablename")} AND indexdef NOT LIKE '%gin_trgm_ops%'"))
        {
            facts.Add($"index {i[0]}.{i[1]} {i[2]}");
        }

        return facts;
    }

    /// <summary>EF's own tables (migration history, migration lock) are not part of the CRM's schema.</summary>
    private static bool IsMigrationBookkeeping(string table) => table.StartsWith("__", StringComparison.Ordinal);

    private static string NotBookkeeping(string column) => $"left({column}, 2) <> '__'";

    private static async Task<List<string?[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}
