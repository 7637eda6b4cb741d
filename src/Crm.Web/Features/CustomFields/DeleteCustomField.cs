using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// Deletes a custom field and the values records hold of it (administrators), in one transaction
/// with its audit entries: the field's last state, and how many values went with it. The values
/// records had before stay in their history; the confirmation page says how many records hold one.
/// The field rules of roles and profiles that name it go too (audited, and in the activity log), so
/// a field later added with the same key starts without the old field's restrictions.
/// </summary>
public sealed class DeleteCustomField(CrmDb db, AuditContext audit, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result.Forbidden(ListCustomFields.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(RecordEditing.PreviewRefused);
        }

        var field = await db.Set<CustomField>().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (field is null)
        {
            return Result.NotFound();
        }

        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var removed = await db.Set<CustomFieldValue>().Where(v => v.FieldId == id).ExecuteDeleteAsync(cancellationToken);
        audit.Note("custom-field", id.ToString(System.Globalization.CultureInfo.InvariantCulture), field.Label, "values-removed",
            new JsonObject { ["module"] = field.Module, ["key"] = field.Key, ["values"] = removed });
        // Tracked, not bulk-deleted: each rule's removal gets its audit row and refreshes the holders' permissions.
        var roleRules = await db.RoleFieldRules.Where(r => r.Module == field.Module && r.Field == field.Key)
            .Join(db.Roles, r => r.RoleId, role => role.Id, (r, role) => new { Rule = r, role.Name }).ToListAsync(cancellationToken);
        var profileRules = await db.ProfileFieldRules.Where(r => r.Module == field.Module && r.Field == field.Key)
            .Join(db.Profiles, r => r.ProfileId, p => p.Id, (r, p) => new { Rule = r, p.Name }).ToListAsync(cancellationToken);
        if (roleRules.Count + profileRules.Count > 0)
        {
            db.RoleFieldRules.RemoveRange(roleRules.Select(r => r.Rule));
            db.ProfileFieldRules.RemoveRange(profileRules.Select(r => r.Rule));
            var holders = roleRules.Select(r => $"role {r.Name}").Order(StringComparer.Ordinal)
                .Concat(profileRules.Select(r => $"profile {r.Name}").Order(StringComparer.Ordinal));
            activity.Record(actor, ActivityKinds.PermissionChanged,
                $"Custom field {field.Label} ({field.Module}.{field.Key}) deleted: its field rules removed from {string.Join(", ", holders)}");
        }

        db.Remove(field);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return Result.Ok();
    }
}
