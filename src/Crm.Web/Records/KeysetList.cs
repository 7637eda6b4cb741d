using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore.Query;

namespace Crm.Web.Records;

/// <summary>
/// The keyset paging every object list shares. A module declares its sorts once: each a name and
/// its keys (entity columns, with how a row writes them into the cursor); the record's ID always
/// closes the order so it is total. From that the kit validates the sort, page size and cursor,
/// builds the "after this row" predicate as an expression tree (so EF translates it to plain SQL
/// comparisons on both providers), orders, reads one row more than a page and makes the cursors.
/// </summary>
public sealed class KeysetList<TEntity, TRow>
    where TEntity : class
{
    private readonly KeysetKey<TEntity, TRow> _id;
    private readonly Expression<Func<TEntity, int>> _idColumn;
    private readonly List<KeysetSort<TEntity, TRow>> _sorts = [];

    /// <param name="id">The record's ID column, the last key of every sort.</param>
    /// <param name="rowId">The ID as a read row carries it.</param>
    public KeysetList(Expression<Func<TEntity, int>> id, Func<TRow, int> rowId)
    {
        _id = new KeysetKey<TEntity, TRow, int>(id, row => rowId(row).ToString(CultureInfo.InvariantCulture), null!);
        _idColumn = id;
        RowId = rowId;
    }

    internal Func<TRow, int> RowId { get; }

    /// <summary>
    /// Declares a sort; the first declared is the default. <paramref name="keys"/> adds its keys in
    /// order (none: by ID alone). <paramref name="newestFirst"/> reads the keys descending on the
    /// first page; <paramref name="note"/> follows the name in the error message ("(newest first)").
    /// </summary>
    public KeysetList<TEntity, TRow> Sort(string name, Action<KeysetKeys<TEntity, TRow>>? keys = null, bool newestFirst = false, string? note = null)
    {
        var declared = new KeysetKeys<TEntity, TRow>();
        keys?.Invoke(declared);
        _sorts.Add(new KeysetSort<TEntity, TRow>(name, [.. declared.Keys], newestFirst, note));
        return this;
    }

    /// <summary>The sort asked for, in any case; the default one when none or an unknown one is asked for.</summary>
    public string SortOf(string? asked) => Find(asked)?.Name ?? _sorts[0].Name;

    /// <summary>
    /// Adds the "sort" error when <paramref name="asked"/> names none of the sorts; true when it is fine.
    /// A custom field sort (<c>cf.key</c>) is checked by <see cref="CustomFieldListFilters.SortAsync"/> and given to <see cref="Start"/>.
    /// </summary>
    public bool CheckSort(FieldErrors errors, string? asked)
    {
        if (asked is not { Length: > 0 } || Find(asked) is not null || CustomFieldSort.Parse(asked) is not null)
        {
            return true;
        }

        var names = _sorts.Select(s => $"\"{s.Name}\"{(s.Note is null ? "" : " " + s.Note)}").ToList();
        errors.Add("sort", $"Sort by {string.Join(", ", names[..^1])} or {names[^1]}.");
        return false;
    }

    /// <summary>
    /// The page asked for: the page size checked (1 to <see cref="ListPaging.MaxPageSize"/>), then the
    /// cursor (it must decode for the sort asked for, keys included); each problem is added to <paramref name="errors"/>.
    /// </summary>
    public KeysetRequest<TEntity, TRow> Start(FieldErrors errors, string? sort, string? cursor, int? pageSize, CustomFieldSort? custom = null)
    {
        var size = pageSize ?? ListPaging.DefaultPageSize;
        if (size is < 1 or > ListPaging.MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {ListPaging.MaxPageSize}.");
        }

        if (custom is null && CustomFieldSort.Parse(sort) is not null && !errors.ToDictionary().ContainsKey("sort"))
        {
            errors.Add("sort", "This list cannot be sorted by a custom field.");
        }

        var chosen = custom is null ? Find(sort) ?? _sorts[0] : SortBy(custom);
        KeysetPosition? at = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            at = Read(chosen, ListCursor.Decode(cursor, chosen.Name, chosen.Keys.Count));
            if (at is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        return new KeysetRequest<TEntity, TRow>(this, chosen, at, size);
    }

    /// <summary>The list's order for the sort asked for (as <see cref="SortOf"/> reads it), as the first page reads it; exports read it too.</summary>
    public IOrderedQueryable<TEntity> Order(IQueryable<TEntity> records, string? sort, bool forward = true, string? drivingTerm = null, CustomFieldSort? custom = null) =>
        Order(records, custom is null ? Find(sort) ?? _sorts[0] : SortBy(custom), forward, drivingTerm);

    /// <summary>
    /// The sort by a custom field: first whether the record has a value (so those without come last,
    /// ascending or descending), then the value, then the ID. The value is read through the field's
    /// lookup in the value table (<see cref="CustomFieldSort.Value"/>, its ID parameter bound to this
    /// list's ID column); the cursor keeps the page's values, read by <see cref="KeysetRequest{TEntity, TRow}.PageAsync"/>.
    /// </summary>
    private KeysetSort<TEntity, TRow> SortBy(CustomFieldSort custom) => custom.Value switch
    {
        Expression<Func<int, string?>> text => SortBy(custom, text, t => t, v => (string)v),
        Expression<Func<int, double?>> number => SortBy(custom, number,
            t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null,
            v => ((double)v).ToString("R", CultureInfo.InvariantCulture)),
        Expression<Func<int, DateTime?>> instant => SortBy(custom, instant,
            t => long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Utc) : null,
            v => ((DateTime)v).Ticks.ToString(CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"A custom field sort reads text, a number or an instant, not {custom.Value.ReturnType.Name}."),
    };

    private KeysetSort<TEntity, TRow> SortBy<TKey>(CustomFieldSort custom, Expression<Func<int, TKey>> valueOf, Func<string, object?> parse, Func<object, string> format)
    {
        var held = new Dictionary<int, object>();
        var body = ReplacingExpressionVisitor.Replace(valueOf.Parameters[0], _idColumn.Body, valueOf.Body);
        var value = Expression.Lambda<Func<TEntity, TKey>>(body, _idColumn.Parameters);
        // 1 ascending and 0 descending for a record without a value: last either way.
        var none = Expression.Equal(body, Expression.Constant(null, typeof(TKey)));
        var last = Expression.Lambda<Func<TEntity, int>>(
            Expression.Condition(none, Expression.Constant(custom.Descending ? 0 : 1), Expression.Constant(custom.Descending ? 1 : 0)), _idColumn.Parameters);
        KeysetKey<TEntity, TRow>[] keys =
        [
            new KeysetKey<TEntity, TRow, int>(last, row => held.ContainsKey(RowId(row)) == custom.Descending ? "1" : "0",
                text => text is "0" or "1" ? text == "1" ? 1 : 0 : null),
            // "+value", or "-" for none (which compares as SQL's null: equal to none, after nothing).
            new KeysetKey<TEntity, TRow, TKey>(value, row => held.TryGetValue(RowId(row), out var v) ? "+" + format(v) : "-",
                text => text == "-" ? KeysetNoValue.Instance : text.StartsWith('+') ? parse(text[1..]) : null),
        ];
        return new KeysetSort<TEntity, TRow>(custom.Name, keys, custom.Descending, null, new KeysetHeldValues(custom, held));
    }

    internal IOrderedQueryable<TEntity> Order(IQueryable<TEntity> records, KeysetSort<TEntity, TRow> sort, bool forward, string? drivingTerm)
    {
        var ascending = forward != sort.NewestFirst;
        var keys = sort.Keys.Append(_id).ToList();
        // Only the first key may be made index-neutral for a driving search term (see TextSearch.SortKey).
        var ordered = keys[0].OrderFirst(records, ascending, drivingTerm);
        foreach (var key in keys.Skip(1))
        {
            ordered = key.OrderNext(ordered, ascending);
        }

        return ordered;
    }

    /// <summary>
    /// The rows after (or, backwards, before) <paramref name="at"/> in the sort's order:
    /// <c>k1 &gt; v1 OR (k1 = v1 AND (… id &gt; v))</c>, preceded by <c>k1 &gt;= v1</c>, which is redundant
    /// but gives the database a range start on the sort index; without it the OR makes it read the index
    /// from the top (page 1,000 = 50,000 rows).
    /// </summary>
    internal IQueryable<TEntity> After(IQueryable<TEntity> records, KeysetSort<TEntity, TRow> sort, KeysetPosition at)
    {
        var ascending = at.Forward != sort.NewestFirst;
        var entity = Expression.Parameter(typeof(TEntity), "r");
        var keys = sort.Keys.Append(_id).ToList();
        var values = at.Values.Append(at.Id).ToList();
        if (sort.Keys.Count > 0)
        {
            var start = keys[0].Compare(entity, values[0], ascending ? ExpressionType.GreaterThanOrEqual : ExpressionType.LessThanOrEqual);
            records = records.Where(Expression.Lambda<Func<TEntity, bool>>(start, entity));
        }

        var strict = ascending ? ExpressionType.GreaterThan : ExpressionType.LessThan;
        var predicate = keys[^1].Compare(entity, values[^1], strict);
        for (var i = keys.Count - 2; i >= 0; i--)
        {
            predicate = Expression.OrElse(keys[i].Compare(entity, values[i], strict),
                Expression.AndAlso(keys[i].Compare(entity, values[i], ExpressionType.Equal), predicate));
        }

        return records.Where(Expression.Lambda<Func<TEntity, bool>>(predicate, entity));
    }

    internal ListCursor CursorOf(KeysetSort<TEntity, TRow> sort, TRow row, bool forward) =>
        new(sort.Name, forward, RowId(row), [.. sort.Keys.Select(k => k.Write(row))]);

    private KeysetSort<TEntity, TRow>? Find(string? asked) =>
        asked is { Length: > 0 } ? _sorts.FirstOrDefault(s => s.Name.Equals(asked, StringComparison.OrdinalIgnoreCase)) : null;

    private static KeysetPosition? Read(KeysetSort<TEntity, TRow> sort, ListCursor? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var values = new object[sort.Keys.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (sort.Keys[i].Read(cursor.Keys[i]) is not { } value)
            {
                return null;
            }

            values[i] = value;
        }

        return new KeysetPosition(cursor, cursor.Forward, cursor.Id, values);
    }
}

/// <summary>One page asked of a <see cref="KeysetList{TEntity, TRow}"/>: the sort, the position (null on the first page) and the size.</summary>
public sealed class KeysetRequest<TEntity, TRow>
    where TEntity : class
{
    private readonly KeysetList<TEntity, TRow> _list;
    private readonly KeysetSort<TEntity, TRow> _sort;
    private readonly KeysetPosition? _at;

    internal KeysetRequest(KeysetList<TEntity, TRow> list, KeysetSort<TEntity, TRow> sort, KeysetPosition? at, int size)
    {
        (_list, _sort, _at, Size) = (list, sort, at, size);
    }

    public int Size { get; }

    public string Sort => _sort.Name;

    /// <summary>True on the first page and when paging towards the end; false when going back.</summary>
    public bool Forward => _at?.Forward ?? true;

    /// <summary>
    /// The records of the page in read order, one more than the page size (it tells whether there is
    /// more), from the cursor on or, with <paramref name="from"/>, from that row on in the same direction.
    /// </summary>
    public IQueryable<TEntity> Read(IQueryable<TEntity> records, string? drivingTerm = null, TRow? from = default)
    {
        var at = from is null ? _at : new KeysetPosition(null, Forward, _list.RowId(from), ValuesOf(from));
        var after = at is null ? records : _list.After(records, _sort, at);
        return _list.Order(after, _sort, Forward, drivingTerm).Take(Size + 1);
    }

    /// <summary>The page made of the rows read (see <see cref="Read"/>), in display order, with its cursors; a list that may be sorted by a custom field uses <see cref="PageAsync"/>.</summary>
    public ListPage<TRow> Page(List<TRow> rows) => _sort.Held is null
        ? ListPaging.Page(rows, Size, _at?.Cursor, (row, next) => _list.CursorOf(_sort, row, next))
        : throw new InvalidOperationException("A page sorted by a custom field needs its records' values for its cursors: use PageAsync.");

    /// <summary><see cref="Page"/>, with the custom field values of the rows read first when the list is sorted by one (one query).</summary>
    public async Task<ListPage<TRow>> PageAsync(List<TRow> rows, CancellationToken cancellationToken)
    {
        if (_sort.Held is not { } held)
        {
            return Page(rows);
        }

        if (rows.Count > 0)
        {
            foreach (var (id, value) in await held.Sort.ValuesAsync([.. rows.Select(_list.RowId)], cancellationToken))
            {
                held.Values[id] = value;
            }
        }

        return ListPaging.Page(rows, Size, _at?.Cursor, (row, next) => _list.CursorOf(_sort, row, next));
    }

    private object[] ValuesOf(TRow row) => [.. _sort.Keys.Select(k => k.Read(k.Write(row))!)];
}

/// <summary>Collects a sort's keys, in order; each is an entity column and the same value as the row writes it into the cursor.</summary>
public sealed class KeysetKeys<TEntity, TRow>
    where TEntity : class
{
    internal List<KeysetKey<TEntity, TRow>> Keys { get; } = [];

    /// <summary>A text column (ordinal order in SQL); the cursor keeps the text as is.</summary>
    public KeysetKeys<TEntity, TRow> Text(Expression<Func<TEntity, string>> column, Func<TRow, string> value) =>
        Add(new KeysetKey<TEntity, TRow, string>(column, value, text => text));

    /// <summary>A whole-number column (money in minor units); the cursor keeps it in invariant digits.</summary>
    public KeysetKeys<TEntity, TRow> Number(Expression<Func<TEntity, long>> column, Func<TRow, long> value) =>
        Add(new KeysetKey<TEntity, TRow, long>(column, row => value(row).ToString(CultureInfo.InvariantCulture),
            text => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null));

    /// <summary>A UTC time column; the cursor keeps its ticks.</summary>
    public KeysetKeys<TEntity, TRow> Time(Expression<Func<TEntity, DateTime>> column, Func<TRow, DateTime> value) =>
        Add(new KeysetKey<TEntity, TRow, DateTime>(column, row => value(row).Ticks.ToString(CultureInfo.InvariantCulture),
            text => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
                ? new DateTime(ticks, DateTimeKind.Utc) : null));

    private KeysetKeys<TEntity, TRow> Add(KeysetKey<TEntity, TRow> key)
    {
        Keys.Add(key);
        return this;
    }
}

internal sealed record KeysetSort<TEntity, TRow>(string Name, IReadOnlyList<KeysetKey<TEntity, TRow>> Keys, bool NewestFirst, string? Note, KeysetHeldValues? Held = null)
    where TEntity : class;

/// <summary>A custom field sort's values of the page's records, by record ID, which its cursors write.</summary>
internal sealed record KeysetHeldValues(CustomFieldSort Sort, Dictionary<int, object> Values);

/// <summary>A cursor's key for a record without a value (SQL's null): equal to none, before or after nothing.</summary>
internal sealed class KeysetNoValue
{
    public static readonly KeysetNoValue Instance = new();
}

/// <summary>A decoded cursor: its direction, the row's ID and its sort keys as typed values.</summary>
internal sealed record KeysetPosition(ListCursor? Cursor, bool Forward, int Id, IReadOnlyList<object> Values);

internal abstract class KeysetKey<TEntity, TRow>
    where TEntity : class
{
    public abstract string Write(TRow row);

    /// <summary>The cursor's text as the column's value, or null when it is not one.</summary>
    public abstract object? Read(string text);

    public abstract Expression Compare(ParameterExpression entity, object value, ExpressionType comparison);

    public abstract IOrderedQueryable<TEntity> OrderFirst(IQueryable<TEntity> records, bool ascending, string? drivingTerm);

    public abstract IOrderedQueryable<TEntity> OrderNext(IOrderedQueryable<TEntity> records, bool ascending);
}

internal sealed class KeysetKey<TEntity, TRow, TKey>(Expression<Func<TEntity, TKey>> column, Func<TRow, string> write, Func<string, object?> read)
    : KeysetKey<TEntity, TRow>
    where TEntity : class
{
    private static readonly MethodInfo s_compareTo = typeof(string).GetMethod(nameof(string.CompareTo), [typeof(string)])!;

    public override string Write(TRow row) => write(row);

    public override object? Read(string text) => read(text);

    public override Expression Compare(ParameterExpression entity, object value, ExpressionType comparison)
    {
        var left = ReplacingExpressionVisitor.Replace(column.Parameters[0], entity, column.Body);
        if (value is KeysetNoValue)
        {
            return comparison == ExpressionType.Equal ? Expression.Equal(left, Expression.Constant(null, typeof(TKey))) : Expression.Constant(false);
        }

        // Read through a field, as a captured variable is: EF sends it as a parameter, so one SQL
        // text serves every page instead of one per cursor value.
        Expression right = Expression.Field(Expression.Constant(new Captured((TKey)value)), nameof(Captured.Value));
        if (comparison != ExpressionType.Equal && typeof(TKey) == typeof(string))
        {
            // Strings have no < in C#: CompareTo(x) > 0 is what EF turns into name > @x.
            left = Expression.Call(left, s_compareTo, right);
            right = Expression.Constant(0);
        }

        return Expression.MakeBinary(comparison, left, right);
    }

    public override IOrderedQueryable<TEntity> OrderFirst(IQueryable<TEntity> records, bool ascending, string? drivingTerm)
    {
        var key = TextSearch.SortKey(column, drivingTerm);
        return ascending ? records.OrderBy(key) : records.OrderByDescending(key);
    }

    public override IOrderedQueryable<TEntity> OrderNext(IOrderedQueryable<TEntity> records, bool ascending) =>
        ascending ? records.ThenBy(column) : records.ThenByDescending(column);

    private sealed class Captured(TKey value)
    {
#pragma warning disable IDE0044, CA1051 // A field, not a property: the shape of a closure, which EF parameterizes.
        public TKey Value = value;
#pragma warning restore IDE0044, CA1051
    }
}
