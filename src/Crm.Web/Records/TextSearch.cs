using System.Linq.Expressions;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// The text search of lists and of the search box: a case-insensitive "contains" (SQL
/// <c>lower(x) LIKE '%term%'</c>). On PostgreSQL every searched expression has a trigram index
/// (migration <c>TextSearchIndexes</c>), which finds the rows containing a term of three or more
/// characters without reading the table.
/// </summary>
public static class TextSearch
{
    /// <summary>The longest search a list accepts.</summary>
    public const int SearchMaxLength = 200;

    /// <summary>Trigram indexes answer terms of at least this many characters; shorter ones are scanned.</summary>
    public const int IndexedLength = 3;

    /// <summary>A term found in at least this share of a table's rows is "common" (see <see cref="DrivingTermAsync"/>).</summary>
    public const double CommonShare = 0.05;

    /// <summary>…but never below this many rows: below it, sorting every match is cheap anyway.</summary>
    public const int CommonFloor = 10_000;

    /// <summary>
    /// The term as the expressions expect it: trimmed and lower-cased (the column side is lower-cased
    /// in SQL: SQLite's LIKE ignores ASCII case, PostgreSQL's does not); null when there is none.
    /// </summary>
    public static string? Term(string? search) => string.IsNullOrWhiteSpace(search) ? null : search.Trim().ToLowerInvariant();

    /// <summary>
    /// The term when the search should be driven by the trigram index (pass it on to
    /// <see cref="SortKey"/>), or null when the list's own order serves it better. A term found in a
    /// large share of the rows ("mail" in every address at mail.example) fills a page from the first
    /// rows of the sort index, while finding and sorting all its matches would take seconds; a rarer
    /// one is the opposite. One bounded count through the trigram index tells them apart. SQLite has
    /// no trigram index: a full scan and a sort of the matches bounds its worst case, so it always
    /// gets the term.
    /// </summary>
    public static async Task<string?> DrivingTermAsync<T>(CrmDb db, Func<string, Expression<Func<T, bool>>> matching, string? term,
        CancellationToken cancellationToken, int floor = CommonFloor)
        where T : class
    {
        if (term is null || term.Length < IndexedLength || !db.Database.IsNpgsql())
        {
            return term;
        }

        var table = db.Model.FindEntityType(typeof(T))?.GetTableName();
        // The planner's own row estimate: free, and close enough to draw a line at a share of the table.
        var rows = await db.Database.SqlQuery<float>($"SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = {table}").FirstOrDefaultAsync(cancellationToken);
        var common = (int)Math.Max(floor, rows * CommonShare);
        var found = await db.Set<T>().Where(matching(term)).Take(common).CountAsync(cancellationToken);
        return found < common ? term : null;
    }

    /// <summary>
    /// A list's first sort key, made useless to b-tree indexes while a term the trigram index can
    /// answer is searched (a <see cref="DrivingTermAsync"/>). With <c>ORDER BY</c> on an indexed key and a <c>LIMIT</c>, PostgreSQL
    /// prefers to walk that index testing each row, expecting matches spread evenly through it; a
    /// name that sorts late ("Schmidt") then costs most of the table (2.5 s at a million contacts).
    /// Sorting on <c>key || ''</c> (or <c>id + 0</c>), which orders the same, leaves one sensible
    /// plan: find the matches by the trigram index, then sort only those.
    /// </summary>
    public static Expression<Func<T, TKey>> SortKey<T, TKey>(Expression<Func<T, TKey>> key, string? drivingTerm)
    {
        if (drivingTerm is null || drivingTerm.Length < IndexedLength)
        {
            return key;
        }

        Expression opaque = typeof(TKey) == typeof(string)
            ? Expression.Add(key.Body, Expression.Constant(""), typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)]))
            : typeof(TKey) == typeof(int) || typeof(TKey) == typeof(long) ? Expression.Add(key.Body, Expression.Constant(Activator.CreateInstance<TKey>(), typeof(TKey)))
            : throw new NotSupportedException($"Sort keys of type {typeof(TKey).Name} have no index-neutral form.");
        return Expression.Lambda<Func<T, TKey>>(opaque, key.Parameters);
    }
}
