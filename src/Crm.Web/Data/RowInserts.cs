using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Crm.Web.Data;

/// <summary>
/// Multi-row INSERTs for the rows written in bulk that nothing tracks afterwards (audit entries and
/// seals, import results, webhook attempts): EF's SQLite provider sends one statement per added row,
/// and its save pipeline (with every interceptor) would run again for rows that need none of it.
/// Values go as parameters typed by EF's mappings for their CLR types, as a save would write them.
/// Many rows at once on PostgreSQL (an import's audit entries and results) go by COPY instead, which
/// PostgreSQL takes without planning and executing a statement per row, and Npgsql without parsing
/// SQL and binding parameters: both sides' cost per row falls by more than half. Triggers fire on
/// COPY as on INSERT, and it runs in the connection's transaction like any statement.
/// </summary>
public static class RowInserts
{
    /// <summary>Rows per statement: parameters stay far under both providers' limits (SQLite 32,766, PostgreSQL 65,535).</summary>
    public const int RowsPerStatement = 100;

    /// <summary>
    /// From how many rows PostgreSQL is sent a COPY: it takes a round trip more than an INSERT (the server
    /// answers the COPY before the rows go), which a few rows do not win back.
    /// </summary>
    public const int CopiedFrom = 50;

    // Per table and column list, the columns' PostgreSQL types as the model maps them (COPY's binary
    // format is exact: an int sent for a bigint column would be refused, so Npgsql is told the type).
    private static readonly ConcurrentDictionary<string, string[]?> s_storeTypes = new();

    /// <summary>Inserts <paramref name="rows"/> into <paramref name="table"/>, <paramref name="valuesOf"/> giving each row's values in the order of <paramref name="columns"/>.</summary>
    public static async Task InsertAsync<T>(CrmDb db, string table, string[] columns, IEnumerable<T> rows, Func<T, object?[]> valuesOf, CancellationToken cancellationToken)
    {
        var all = rows as IReadOnlyCollection<T> ?? rows.ToList();
        if (all.Count >= CopiedFrom && db.Database.IsNpgsql() && StoreTypes(db, table, columns) is { } types)
        {
            await CopyAsync(db, table, columns, types, all, valuesOf, cancellationToken);
            return;
        }

        var head = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ";
        foreach (var chunk in all.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder(head);
            var values = new List<object?>(chunk.Length * columns.Length);
            foreach (var row in chunk)
            {
                var rowValues = Checked(table, columns, valuesOf(row));

                sql.Append(values.Count == 0 ? "(" : ", (");
                for (var i = 0; i < rowValues.Length; i++)
                {
                    sql.Append(i == 0 ? "{" : ", {").Append(values.Count).Append('}');
                    values.Add(rowValues[i]);
                }

                sql.Append(')');
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), values!, cancellationToken);
        }
    }

    private static object?[] Checked(string table, string[] columns, object?[] values) =>
        values.Length == columns.Length ? values : throw new InvalidOperationException($"A row for {table} has {values.Length} values for {columns.Length} columns.");

    /// <summary>
    /// Sends <paramref name="rows"/> to PostgreSQL by binary COPY into <paramref name="columns"/> of
    /// <paramref name="table"/>, whose store types (without facets) are <paramref name="types"/>.
    /// </summary>
    internal static async Task CopyAsync<T>(CrmDb db, string table, string[] columns, string[] types, IReadOnlyCollection<T> rows, Func<T, object?[]> valuesOf, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                var values = Checked(table, columns, valuesOf(row));
                await copy.StartRowAsync(cancellationToken);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] is { } value)
                    {
                        await copy.WriteAsync(value, types[i], cancellationToken);
                    }
                    else
                    {
                        await copy.WriteNullAsync(cancellationToken);
                    }
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The columns' store types without their facets ("character varying", not "character varying(200)"); null when the model does not map the table.</summary>
    private static string[]? StoreTypes(CrmDb db, string table, string[] columns) =>
        s_storeTypes.GetOrAdd(table + ":" + string.Join(",", columns), _ =>
        {
            if (db.Model.GetEntityTypes().FirstOrDefault(e => e.GetTableName() == table) is not { } type)
            {
                return null;
            }

            var store = StoreObjectIdentifier.Table(table, type.GetSchema());
            var types = new string[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                if (type.GetProperties().FirstOrDefault(p => p.GetColumnName(store) == columns[i]) is not { } property)
                {
                    return null;
                }

                types[i] = property.GetRelationalTypeMapping().StoreTypeNameBase;
            }

            return types;
        });
}
