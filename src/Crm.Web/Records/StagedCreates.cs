using System.Runtime.CompilerServices;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Crm.Web.Records;

/// <summary>
/// Write-behind for an import's new records (ADR 0054). While a run stages, a save that only adds rows
/// (<see cref="OwnedRecord.SaveVersionedAsync"/> of a new record) leaves them in the change tracker
/// instead of writing them, and the run writes many rows' worth in one SaveChanges (<see cref="FlushAsync"/>):
/// one round trip on PostgreSQL instead of one per row, and EF's save pipeline, interceptors included,
/// once instead of once per row. The new rows take IDs reserved from their table's own key sequence
/// when they are staged, so the save's answer, the audit entries and anything written with the record's
/// ID are what they would have been had it been written at once.
/// <para>
/// Only inside a run's transaction (nothing outside it sees the rows before the commit either way) and
/// only for modules whose save reads nothing of its new record back from the database
/// (<see cref="IRecordImport.StagesCreates"/>). A staged row is not in the database for a later row's
/// queries: a check by query that two rows of one file could both pass (a product code) is backed by a
/// constraint, which fails at the flush, and the run then starts again without staging, so every row's
/// refusal is the one its save gives alone.
/// </para>
/// </summary>
public sealed class StagedCreates : IDisposable
{
    /// <summary>IDs fetched from a PostgreSQL sequence per round trip.</summary>
    private const int IdsPerReservation = 100;

    private static readonly ConditionalWeakTable<CrmDb, StagedCreates> s_staging = [];

    private readonly CrmDb _db;

    // Asked once: EF works the provider's name out from its assembly on every call.
    private readonly bool _postgres;

    // The next IDs of each table (PostgreSQL: a block taken from its sequence; SQLite: counted on from the
    // table's highest, which the run's transaction keeps, holding the database's write lock).
    private readonly Dictionary<string, Queue<long>> _reserved = [];
    private readonly Dictionary<string, long> _next = [];

    // The rows tracked or changing state since the last save asked to stage (the tracker's own events):
    // looking at every tracked row instead would cost each save more as the batch grows.
    private readonly List<EntityEntry> _fresh = [];

    // Each table's name and key column, as the model maps them (asked once, not once per row).
    private readonly Dictionary<IEntityType, (string Table, string Column)> _keys = [];

    // True while FlushAsync saves: the save may then go by COPY (Copy).
    private bool _flushing;

    private StagedCreates(CrmDb db)
    {
        _db = db;
        _postgres = db.Database.IsNpgsql();
    }

    /// <summary>Saves staged since the last flush.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Stages the saves on <paramref name="db"/> until the result is disposed; the caller flushes before
    /// that, or leaves what was not flushed to its rollback.
    /// </summary>
    public static StagedCreates Begin(CrmDb db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Creates are staged only inside a transaction, which hides them until the run commits.");
        }

        var staging = new StagedCreates(db);
        s_staging.AddOrUpdate(db, staging);
        db.ChangeTracker.Tracked += staging.Noticed;
        db.ChangeTracker.StateChanged += staging.Noticed;
        return staging;
    }

    public void Dispose()
    {
        _db.ChangeTracker.Tracked -= Noticed;
        _db.ChangeTracker.StateChanged -= Noticed;
        s_staging.Remove(_db);
    }

    private void Noticed(object? sender, EntityEntryEventArgs e) => _fresh.Add(e.Entry);

    /// <summary>
    /// Called by a save instead of SaveChanges: true when the run stages and the save only adds rows,
    /// which then have their IDs and wait for <see cref="FlushAsync"/>. False: the caller saves now
    /// (the added rows still take reserved IDs, so a later staged row cannot be given the same).
    /// </summary>
    public static async Task<bool> TryStageAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (!s_staging.TryGetValue(db, out var staging))
        {
            return false;
        }

        // The states as the tracker knows them, without comparing tracked rows with their snapshots: a
        // create sets nothing on a row it did not add (an update flushes the staged rows before it reads),
        // and the SaveChanges that writes them compares them all anyway.
        var changed = staging._fresh.Distinct().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        staging._fresh.Clear();
        foreach (var entry in changed.Where(e => e.State == EntityState.Added))
        {
            await staging.GiveIdAsync(entry, cancellationToken);
        }

        if (changed.Count == 0 || changed.Exists(e => e.State != EntityState.Added))
        {
            return false;
        }

        staging.Count++;
        return true;
    }

    /// <summary>Writes what was staged (one SaveChanges) and empties the change tracker for the next rows.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Count > 0)
        {
            _flushing = true;
            try
            {
                await _db.SaveChangesAsync(cancellationToken);
            }
            finally
            {
                _flushing = false;
            }

            Count = 0;
        }

        _db.ChangeTracker.Clear();
        _fresh.Clear();
    }

    private async Task GiveIdAsync(EntityEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Metadata.FindPrimaryKey()?.Properties is not [{ ValueGenerated: ValueGenerated.OnAdd } key]
            || (key.ClrType != typeof(int) && key.ClrType != typeof(long)))
        {
            return;
        }

        var value = entry.Property(key.Name);
        if (!value.IsTemporary && Convert.ToInt64(value.CurrentValue, System.Globalization.CultureInfo.InvariantCulture) != 0)
        {
            return;
        }

        var id = await NextIdAsync(entry.Metadata, key, cancellationToken);
        value.CurrentValue = key.ClrType == typeof(int) ? (object)checked((int)id) : id;
        value.IsTemporary = false;
    }

    private async Task<long> NextIdAsync(IEntityType type, IProperty key, CancellationToken cancellationToken)
    {
        if (!_keys.TryGetValue(type, out var names))
        {
            var name = type.GetTableName()!;
            _keys[type] = names = (name, key.GetColumnName(StoreObjectIdentifier.Table(name, type.GetSchema()))!);
        }

        var (table, column) = names;
        if (_postgres)
        {
            if (!_reserved.TryGetValue(table, out var ids) || ids.Count == 0)
            {
                // The sequence behind the identity column, as every insert takes from it: no other writer can get these.
                ids = new Queue<long>(await _db.Database.SqlQueryRaw<long>(
                    "SELECT nextval(pg_get_serial_sequence({0}, {1})) AS \"Value\" FROM generate_series(1, {2})",
                    $"\"{table}\"", column, IdsPerReservation).ToListAsync(cancellationToken));
                _reserved[table] = ids;
            }

            return ids.Dequeue();
        }

        if (!_next.TryGetValue(table, out var next))
        {
            // AUTOINCREMENT never reuses an ID: above both the highest row and the highest ever given. The
            // names come from the model, not from input.
            var highest = "SELECT COALESCE(MAX(v), 0) AS \"Value\" FROM (SELECT MAX(\"" + column + "\") AS v FROM \"" + table
                + "\" UNION ALL SELECT seq FROM sqlite_sequence WHERE name = {0})";
            next = 1 + await _db.Database.SqlQueryRaw<long>(highest, table).SingleAsync(cancellationToken);
        }

        _next[table] = next + 1;
        return next;
    }

    /// <summary>
    /// The last save interceptor (PostgreSQL): when a flush's save only adds rows, all of one table that
    /// COPY can take (<see cref="CopyTable"/>), it sends them by COPY (<see cref="RowInserts"/>) and tells
    /// EF the save is done, instead of EF preparing, binding and sending an INSERT per row: most of what
    /// a staged row cost. Every other interceptor sees the save as before (the audit capture notes the
    /// rows before it and writes their entries after it, with the keys they already had); the rows stay
    /// "added" in the tracker, which the flush then empties. Any other save, or a flush holding anything
    /// else, goes through EF unchanged.
    /// </summary>
    public sealed class Copy : SaveChangesInterceptor
    {
        public static readonly Copy Instance = new();

        // Weakly, by entity type: a model that is let go (a test host's) takes its entries with it.
        private static readonly ConditionalWeakTable<IEntityType, StrongBox<CopyTable?>> s_tables = [];

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (result.HasResult || eventData.Context is not CrmDb db || !s_staging.TryGetValue(db, out var staging) || !staging._flushing || !staging._postgres)
            {
                return result;
            }

            db.ChangeTracker.DetectChanges();
            var entries = TrackedEntries.AsDetected(db.ChangeTracker);
            var added = entries.FindAll(e => e.State == EntityState.Added);
            if (added.Count == 0 || entries.Exists(e => e.State is EntityState.Modified or EntityState.Deleted)
                || added.Exists(e => e.Metadata != added[0].Metadata)
                || s_tables.GetValue(added[0].Metadata, type => new StrongBox<CopyTable?>(CopyTable.Of(type))).Value is not { } table
                || added.Exists(table.HasTemporaryKey))
            {
                return result;
            }

            try
            {
                await RowInserts.CopyAsync(db, table.Name, table.Columns, table.Types, added, table.Values, cancellationToken);
            }
            catch (PostgresException e)
            {
                // As EF reports a refused INSERT: the run then checks the file again row by row (RunImport).
                throw new DbUpdateException($"The database refused a batch of staged rows for {table.Name}: {e.MessageText}", e, added);
            }

            return InterceptionResult<int>.SuppressWithResult(added.Count);
        }
    }

    /// <summary>
    /// How COPY writes an entity type's rows: every property a column of its one table, none generated by
    /// the database but the key (which staging has given), and of a type Npgsql writes as it stands
    /// (after the property's value converter). Null for any type that does not fit, which EF then writes.
    /// </summary>
    internal sealed class CopyTable
    {
        private static readonly HashSet<Type> s_written =
        [
            typeof(string), typeof(int), typeof(long), typeof(short), typeof(bool), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset),
            typeof(decimal), typeof(double), typeof(float), typeof(DateOnly), typeof(TimeOnly), typeof(byte[]),
        ];

        private readonly IProperty[] _properties;
        private readonly ValueConverter?[] _converters;
        private readonly IProperty _key;

        private CopyTable(string name, IProperty[] properties, string[] columns, string[] types, IProperty key)
        {
            Name = name;
            _properties = properties;
            _converters = Array.ConvertAll(properties, p => p.GetTypeMapping().Converter);
            Columns = columns;
            Types = types;
            _key = key;
        }

        public string Name { get; }

        public string[] Columns { get; }

        public string[] Types { get; }

        public static CopyTable? Of(IEntityType type)
        {
            if (type.GetTableName() is not { } name || type.BaseType is not null || type.GetDerivedTypes().Any() || type.IsOwned()
                || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || type.GetComplexProperties().Any()
                || type.GetTableMappings().Count() != 1 || type.FindPrimaryKey()?.Properties is not [var key])
            {
                return null;
            }

            var store = StoreObjectIdentifier.Table(name, type.GetSchema());
            var properties = type.GetProperties().ToArray();
            var columns = new string[properties.Length];
            var types = new string[properties.Length];
            for (var i = 0; i < properties.Length; i++)
            {
                var property = properties[i];
                var mapping = property.GetRelationalTypeMapping();
                var written = mapping.Converter?.ProviderClrType ?? property.ClrType;
                if ((property.ValueGenerated != ValueGenerated.Never && property != key) || property.GetComputedColumnSql() is not null
                    || property.GetColumnName(store) is not { } column || !s_written.Contains(Nullable.GetUnderlyingType(written) ?? written))
                {
                    return null;
                }

                columns[i] = column;
                types[i] = mapping.StoreTypeNameBase;
            }

            return new CopyTable(name, properties, columns, types, key);
        }

        public bool HasTemporaryKey(EntityEntry entry) => entry.Property(_key).IsTemporary;

        public object?[] Values(EntityEntry entry)
        {
            var current = entry.CurrentValues;
            var values = new object?[_properties.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var value = current[_properties[i]];
                values[i] = value is not null && _converters[i] is { } converter ? converter.ConvertToProvider(value) : value;
            }

            return values;
        }
    }
}
