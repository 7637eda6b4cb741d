using System.Text.Json.Nodes;
using Crm.Web.Data;
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
/// </summary>
public sealed class DeleteCustomField(CrmDb db, AuditContext audit)
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
        db.Remove(field);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return Result.Ok();
    }
}
