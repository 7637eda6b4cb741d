using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Crm.Web.Features.Audit;

public sealed record Restored(string EntityType, string EntityId, string Label);

/// <summary>
/// Restores a deleted object (administrators) from the last state its "deleted" entry kept: the
/// same entity with the same id, re-inserted through EF, so the trail records it as "restored".
/// Generic over the model: every foreign key of the entity must still point at an existing row
/// (and an owner must be an active user); otherwise nothing happens and the answer says exactly
/// what is missing. Secrets are never in the trail, so entities that hold one (users, tokens)
/// cannot be restored this way.
/// </summary>
public sealed class RestoreDeleted(CrmDb db, AuditContext audit, ActivityLog activity, TimeProvider clock, RecordLookups lookups)
{
    public const string ActivityKind = "record-restored";

    public async Task<Result<Restored>> RunAsync(Actor actor, long entryId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<Restored>.Forbidden("Only administrators may restore deleted objects.");
        }

        if (actor.IsPreview)
        {
            return Result<Restored>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var entry = await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId && e.Action == AuditActions.Deleted, cancellationToken);
        if (entry is null)
        {
            return Result<Restored>.NotFound();
        }

        if (!AuditNames.KnowsModules)
        {
            AuditNames.LearnModules(lookups.All);
        }

        var entityType = db.Model.GetEntityTypes().FirstOrDefault(t => !t.IsOwned() && !t.HasSharedClrType && AuditNames.EntityType(t.ClrType) == AuditNames.CurrentName(entry.EntityType));
        if (entityType is null || entityType.ClrType.IsAbstract || entityType.ClrType.GetConstructor(Type.EmptyTypes) is null)
        {
            return Result<Restored>.Conflict($"Deleted {entry.EntityType} objects cannot be restored.");
        }

        if (JsonNode.Parse(entry.Changes) is not JsonObject state || AuditChain.IsRedacted(entry.Changes))
        {
            return Result<Restored>.Conflict("The last state of this object was redacted; it cannot be restored.");
        }

        var entity = Activator.CreateInstance(entityType.ClrType)!;
        foreach (var property in entityType.GetProperties().Where(p => p.PropertyInfo is not null))
        {
            var field = AuditNames.FieldName(property.Name);
            var value = state[field]?["old"];
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text == AuditNames.SecretHidden)
            {
                return Result<Restored>.Conflict($"A deleted {entry.EntityType} holds secrets the audit trail does not keep; it cannot be restored. Create it again instead.");
            }

            if (state.ContainsKey(field))
            {
                property.PropertyInfo!.SetValue(entity, value?.Deserialize(property.ClrType, AuditCapture.Json));
            }
        }

        var keyValues = entityType.FindPrimaryKey()!.Properties.Select(p => p.PropertyInfo!.GetValue(entity)).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.FindAsync(entityType.ClrType, keyValues, cancellationToken) is not null)
        {
            return Result<Restored>.Conflict($"{entry.Label} (ID {entry.EntityId}) exists: it was restored already, or something else now has its id.");
        }

        var missing = await MissingReferencesAsync(entityType, entity, cancellationToken);
        if (missing.Count > 0)
        {
            return Result<Restored>.Conflict($"{entry.Label} (ID {entry.EntityId}) cannot be restored: {string.Join("; ", missing)}.");
        }

        if (entity is OwnedRecord record)
        {
            // The restore is a change of its own: a new version, stamped now by the administrator.
            record.ModifiedAt = clock.GetUtcNow().UtcDateTime;
            record.ModifiedById = actor.UserId;
            record.Version++;
        }

        audit.MarkRestored(entity);
        db.Add(entity);
        activity.Record(actor, ActivityKind, $"Restored {entry.EntityType} ID {entry.EntityId} '{entry.Label}' (deleted {AuditTime.Format(entry.At)} by {entry.ActorName}).");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<Restored>.Ok(new Restored(entry.EntityType, entry.EntityId, entry.Label));
    }

    /// <summary>Each foreign key of the entity whose target is gone, in the administrator's words.</summary>
    private async Task<List<string>> MissingReferencesAsync(IEntityType entityType, object entity, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var foreignKey in entityType.GetForeignKeys())
        {
            var values = foreignKey.Properties.Select(p => p.PropertyInfo?.GetValue(entity)).ToArray();
            if (values.Any(v => v is null))
            {
                continue;
            }

            var field = string.Join(", ", foreignKey.Properties.Select(p => AuditNames.FieldName(p.Name)));
            var target = AuditNames.EntityType(foreignKey.PrincipalEntityType.ClrType);
            var shown = string.Join(",", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
            var principal = await db.FindAsync(foreignKey.PrincipalEntityType.ClrType, values, cancellationToken);
            if (principal is null)
            {
                missing.Add($"its {field} points to {target} {shown}, which no longer exists (restore that first, or it is gone for good)");
            }
            else if (principal is CrmUser user && !user.IsActive && foreignKey.Properties[0].Name == nameof(OwnedRecord.OwnerId))
            {
                missing.Add($"its owner {user.FullName} is deactivated (activate them, or restore and then transfer it)");
            }
        }

        return missing;
    }
}
