using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Crm.Web.Features.Audit;

/// <summary>
/// Captures the audit trail from EF's change tracker on every SaveChanges of <see cref="CrmDb"/>,
/// for every entity type except the technical ones (<see cref="AuditNames"/>): no feature writes
/// audit code. Before the save it notes what is added, changed (old and new values) and deleted
/// (the last full state). A save that creates no row sends its entries in the change's own batch;
/// one that creates rows inserts them after the save (when generated keys are known) with a
/// plain INSERT in the SAME transaction, opening one when the caller has none. Either way a change
/// and its entries are committed or rolled back together. Entries are written unsealed and without
/// any lock: <see cref="AuditSealer"/>, woken here, chains them once they are committed (ADR 0009).
/// </summary>
public sealed class AuditCapture(AuditContext context, TimeProvider clock, IConfiguration configuration, IServiceProvider services, AuditSealer sealer)
    : SaveChangesInterceptor
{
    private sealed record Pending(EntityEntry Entry, string Action, JsonObject? Changes, string? EntityType, string? EntityId, string? Label);

    private List<Pending>? _pending;
    private List<AuditNote> _notes = [];
    private List<AuditEntry>? _inBatch;
    private IDbContextTransaction? _own;
    private Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade? _ownDatabase;

    /// <summary>
    /// <c>Audit:Enabled=false</c> turns capture off. For benchmarking only: an auditor would reject a CRM running so.
    /// Read once per scope: a configuration lookup walks every provider, and an import saves thousands of times in one scope.
    /// </summary>
    private readonly bool _enabled = !string.Equals(configuration["Audit:Enabled"], "false", StringComparison.OrdinalIgnoreCase);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not CrmDb db || !_enabled)
        {
            return result;
        }

        if (_inBatch is not null || _own is not null)
        {
            // The previous save ended without SavedChanges or SaveChangesFailed: EF reports a stale
            // version (DbUpdateConcurrencyException) through neither, while its reader is still open.
            // Its entries are still tracked as added, and its own transaction (if any) still open.
            await AbandonAsync(db);
        }

        _pending = Collect(db);
        _notes = context.TakeNotes();
        if (_pending.Count == 0 && _notes.Count == 0)
        {
            return result;
        }

        // Without a created row nothing waits for a generated key, so the entries join the change's
        // own batch, which EF sends in one transaction: one round trip for the write and its entries.
        if (_pending.TrueForAll(p => p.Entry.State != EntityState.Added))
        {
            var entries = Build(_pending, _notes);
            _pending = null;
            _notes = [];
            db.AuditEntries.AddRange(entries);
            _inBatch = entries;
            return result;
        }

        if (db.Database.CurrentTransaction is null)
        {
            _own = await db.Database.BeginTransactionAsync(cancellationToken);
            // The transaction is the capture's own and rolls back whole on failure: EF's savepoint
            // around each save inside it would only cost two more round trips per save.
            _ownDatabase = db.Database;
            _ownDatabase.AutoSavepointsEnabled = false;
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not CrmDb db)
        {
            return result;
        }

        if (_inBatch is { } saved)
        {
            _inBatch = null;
            Detach(db, saved);
            sealer.Wake();
            return result;
        }

        if (_pending is not { } pending || (pending.Count == 0 && _notes.Count == 0))
        {
            return result;
        }

        _pending = null;
        var notes = _notes;
        _notes = [];
        if (_own is null && context.Deferred is { } deferred)
        {
            // The caller's transaction inserts them later, with many others (AuditContext.DeferInserts).
            deferred.AddRange(Build(pending, notes));
            return result;
        }

        try
        {
            await AuditChain.InsertAsync(db, Build(pending, notes), cancellationToken);
        }
        catch
        {
            await AbandonAsync(db);
            throw;
        }

        await CommitOwnAsync(cancellationToken);
        sealer.Wake();
        return result;
    }

    /// <summary>Inserts the entries <paramref name="context"/> deferred (<see cref="AuditContext.DeferInserts"/>), in the caller's open transaction.</summary>
    public static async Task InsertDeferredAsync(CrmDb db, AuditContext context, AuditSealer sealer, CancellationToken cancellationToken)
    {
        if (context.Deferred is not { Count: > 0 } deferred)
        {
            return;
        }

        await AuditChain.InsertAsync(db, deferred, cancellationToken);
        deferred.Clear();
        sealer.Wake();
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        AbandonAsync(eventData.Context);

    /// <summary>The save failed or was cancelled: nothing of it, its entries included, may survive.</summary>
    private async Task AbandonAsync(DbContext? db)
    {
        _pending = null;
        _notes = [];
        if (_inBatch is { } unsaved && db is not null)
        {
            // Entries chained for a save that failed must not ride along with the next save.
            _inBatch = null;
            Detach(db, unsaved);
        }

        if (_own is not null)
        {
            await _own.RollbackAsync(CancellationToken.None);
            await EndOwnAsync();
        }
    }

    private static void Detach(DbContext db, List<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            db.Entry(entry).State = EntityState.Detached;
        }
    }

    private async Task CommitOwnAsync(CancellationToken cancellationToken)
    {
        if (_own is null)
        {
            return;
        }

        try
        {
            await _own.CommitAsync(cancellationToken);
        }
        catch
        {
            await _own.RollbackAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await EndOwnAsync();
        }
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        AbandonAsync(eventData.Context);

    // The synchronous SaveChanges takes the same path: the CRM saves asynchronously, so this is rare.
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override void SaveChangesFailed(DbContextErrorEventData eventData) =>
        SaveChangesFailedAsync(eventData).GetAwaiter().GetResult();

    private async Task EndOwnAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
            _own = null;
        }

        if (_ownDatabase is not null)
        {
            _ownDatabase.AutoSavepointsEnabled = true;
            _ownDatabase = null;
        }
    }

    private List<Pending> Collect(CrmDb db)
    {
        if (!AuditNames.KnowsModules)
        {
            AuditNames.LearnModules(services.GetServices<IRecordLookup>());
        }

        db.ChangeTracker.DetectChanges();
        TrackCascades(db);
        var pending = new List<Pending>();
        foreach (var entry in TrackedEntries.AsDetected(db.ChangeTracker))
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)
                || entry.Metadata.IsOwned() || !AuditNames.IsAudited(entry.Metadata.ClrType))
            {
                continue;
            }

            var type = AuditNames.EntityType(entry.Metadata.ClrType);
            switch (entry.State)
            {
                case EntityState.Added:
                    // Keys may be generated by the database: described after the save.
                    pending.Add(new Pending(entry, context.IsRestoring(entry.Entity) ? AuditActions.Restored : AuditActions.Created, null, null, null, null));
                    break;
                case EntityState.Modified:
                    var changes = Modifications(entry);
                    if (changes.Count > 0)
                    {
                        var id = KeyOf(entry, original: true);
                        var owner = entry.Entity is OwnedRecord && changes.ContainsKey(AuditNames.FieldName(nameof(OwnedRecord.OwnerId)));
                        pending.Add(new Pending(entry, owner ? AuditActions.Transferred : AuditActions.Updated, changes, type, id,
                            AuditNames.Label(entry, type, id, original: false)));
                    }

                    break;
                case EntityState.Deleted:
                    var key = KeyOf(entry, original: true);
                    pending.Add(new Pending(entry, AuditActions.Deleted, State(entry, original: true), type, key,
                        AuditNames.Label(entry, type, key, original: true)));
                    break;
            }
        }

        return pending;
    }

    /// <summary>
    /// Rows the database would delete by cascade (a deleted user's memberships, a role's grants)
    /// are loaded and deleted through the tracker instead, so each gets its entry with its last state.
    /// </summary>
    private static void TrackCascades(CrmDb db)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var work = new Queue<EntityEntry>(TrackedEntries.AsDetected(db.ChangeTracker).Where(e => e.State == EntityState.Deleted));
        while (work.TryDequeue(out var deleted))
        {
            if (!seen.Add(deleted.Entity))
            {
                continue;
            }

            foreach (var foreignKey in deleted.Metadata.GetReferencingForeignKeys())
            {
                var dependent = foreignKey.DeclaringEntityType;
                if (foreignKey.DeleteBehavior != DeleteBehavior.Cascade || foreignKey.Properties.Count != 1 || dependent.IsOwned()
                    || !AuditNames.IsAudited(dependent.ClrType) || dependent.ClrType.IsAbstract)
                {
                    continue;
                }

                var key = deleted.OriginalValues[foreignKey.PrincipalKey.Properties[0]];
                foreach (var row in RowsWhere(db, dependent.ClrType, foreignKey.Properties[0], key))
                {
                    var entry = db.Entry(row);
                    if (entry.State != EntityState.Deleted)
                    {
                        entry.State = EntityState.Deleted;
                    }

                    work.Enqueue(entry);
                }
            }
        }
    }

    private static List<object> RowsWhere(CrmDb db, Type type, Microsoft.EntityFrameworkCore.Metadata.IProperty column, object? value)
    {
        var set = (IQueryable)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(type).Invoke(db, null)!;
        var row = System.Linq.Expressions.Expression.Parameter(type, "row");
        var property = System.Linq.Expressions.Expression.Call(
            typeof(EF).GetMethod(nameof(EF.Property))!.MakeGenericMethod(column.ClrType), row, System.Linq.Expressions.Expression.Constant(column.Name));
        var predicate = System.Linq.Expressions.Expression.Lambda(
            System.Linq.Expressions.Expression.Equal(property, System.Linq.Expressions.Expression.Constant(value, column.ClrType)), row);
        var filtered = set.Provider.CreateQuery(System.Linq.Expressions.Expression.Call(
            typeof(Queryable), nameof(Queryable.Where), [type], set.Expression, System.Linq.Expressions.Expression.Quote(predicate)));
        return [.. filtered.Cast<object>()];
    }

    private List<AuditEntry> Build(List<Pending> pending, List<AuditNote> notes)
    {
        var who = context.Current();
        var ticks = clock.GetUtcNow().UtcDateTime.Ticks;
        // Microseconds: what PostgreSQL keeps, so the hash recomputed from a read row matches.
        var at = new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
        var entries = new List<AuditEntry>(pending.Count);
        foreach (var p in pending)
        {
            var type = p.EntityType ?? AuditNames.EntityType(p.Entry.Metadata.ClrType);
            var id = p.EntityId ?? KeyOf(p.Entry, original: false);
            var changes = p.Changes ?? State(p.Entry, original: false);
            var label = p.Label ?? AuditNames.Label(p.Entry, type, id, original: false);
            entries.Add(New(who, at, type, id, label, p.Action, changes));
        }

        entries.AddRange(notes.Select(n => New(who, at, n.EntityType, n.EntityId, n.Label, n.Action, n.Changes)));

        return entries;
    }

    /// <summary>An entry written by code for what the change tracker cannot see (an export, a set-based change).</summary>
    public static AuditEntry New(AuditWho who, DateTime at, string entityType, string entityId, string label, string action, JsonObject changes)
    {
        var json = changes.ToJsonString();
        return new()
        {
            At = at,
            ActorKind = who.Kind,
            ActorUserId = who.UserId,
            ActorName = AuditNames.Bound(who.Name, 200),
            ApiTokenName = who.ApiTokenName is null ? null : AuditNames.Bound(who.ApiTokenName, 100),
            PreviewedById = who.PreviewedById,
            IpAddress = who.IpAddress,
            UserAgent = who.UserAgent,
            RequestId = who.RequestId,
            EntityType = AuditNames.Bound(entityType, 50),
            EntityId = AuditNames.Bound(entityId, 100),
            Label = AuditNames.Bound(label, 300),
            Action = action,
            Changes = json,
            ChangesDigest = AuditChain.Digest(json),
        };
    }

    private static string KeyOf(EntityEntry entry, bool original) =>
        string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p =>
            Convert.ToString(original ? entry.OriginalValues[p] : entry.CurrentValues[p], System.Globalization.CultureInfo.InvariantCulture)));

    private static JsonObject Modifications(EntityEntry entry)
    {
        var changes = new JsonObject();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (!property.IsModified || property.Metadata.IsShadowProperty() || AuditNames.IsIgnored(name) || AuditNames.IsBookkeeping(name)
                || Equals(property.OriginalValue, property.CurrentValue))
            {
                continue;
            }

            changes[AuditNames.FieldName(name)] = AuditNames.IsSecret(entry.Metadata.ClrType, name)
                ? new JsonObject { ["old"] = AuditNames.SecretChanged, ["new"] = AuditNames.SecretChanged }
                : new JsonObject { ["old"] = Value(property.OriginalValue, property.Metadata.ClrType), ["new"] = Value(property.CurrentValue, property.Metadata.ClrType) };
        }

        return changes;
    }

    /// <summary>Every field: "new" for a created entity, "old" for a deleted one (its last state, which restore re-inserts).</summary>
    private static JsonObject State(EntityEntry entry, bool original)
    {
        var side = original ? "old" : "new";
        var state = new JsonObject();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (property.Metadata.IsShadowProperty() || AuditNames.IsIgnored(name))
            {
                continue;
            }

            var value = original ? property.OriginalValue : property.CurrentValue;
            state[AuditNames.FieldName(name)] = new JsonObject
            {
                [side] = AuditNames.IsSecret(entry.Metadata.ClrType, name) ? (value is null ? null : AuditNames.SecretHidden) : Value(value, property.Metadata.ClrType),
            };
        }

        return state;
    }

    /// <summary>Values as JSON, enums by name: what history shows and what restore reads back (<see cref="Json"/>).</summary>
    public static readonly JsonSerializerOptions Json = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static JsonNode? Value(object? value, Type type) =>
        value is null ? null : JsonSerializer.SerializeToNode(value, Nullable.GetUnderlyingType(type) ?? type, Json);
}
