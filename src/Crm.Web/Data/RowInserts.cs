using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Data;

/// <summary>
/// Multi-row INSERTs for the rows written in bulk that nothing tracks afterwards (audit entries and
/// seals, import results, webhook attempts): EF's SQLite provider sends one statement per added row,
/// and its save pipeline (with every interceptor) would run again for rows that need none of it.
/// Values go as parameters typed by EF's mappings for their CLR types, as a save would write them.
/// </summary>
public static class RowInserts
{
    /// <summary>Rows per statement: parameters stay far under both providers' limits (SQLite 32,766, PostgreSQL 65,535).</summary>
    public const int RowsPerStatement = 100;

    /// <summary>Inserts <paramref name="rows"/> into <paramref name="table"/>, <paramref name="valuesOf"/> giving each row's values in the order of <paramref name="columns"/>.</summary>
    public static async Task InsertAsync<T>(CrmDb db, string table, string[] columns, IEnumerable<T> rows, Func<T, object?[]> valuesOf, CancellationToken cancellationToken)
    {
        var head = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ";
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder(head);
            var values = new List<object?>(chunk.Length * columns.Length);
            foreach (var row in chunk)
            {
                var rowValues = valuesOf(row);
                if (rowValues.Length != columns.Length)
                {
                    throw new InvalidOperationException($"A row for {table} has {rowValues.Length} values for {columns.Length} columns.");
                }

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
}
