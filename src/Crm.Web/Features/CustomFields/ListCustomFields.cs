using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.CustomFields;

/// <summary>The custom fields of every module (or of one), by module and position, each with how many records hold a value (administrators).</summary>
public sealed class ListCustomFields(CrmDb db)
{
    public const string AdministratorsOnly = "Only administrators manage custom fields.";

    public async Task<Result<IReadOnlyList<CustomFieldView>>> RunAsync(Actor actor, string? module, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result<IReadOnlyList<CustomFieldView>>.Forbidden(AdministratorsOnly);
        }

        var fields = db.Set<CustomField>().AsNoTracking();
        if (module is not null)
        {
            fields = fields.Where(f => f.Module == module);
        }

        var found = await fields.OrderBy(f => f.Module).ThenBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(cancellationToken);
        var ids = found.Select(f => f.Id).ToList();
        var counts = await db.Set<CustomFieldValue>().Where(v => ids.Contains(v.FieldId)).GroupBy(v => v.FieldId)
            .Select(g => new { FieldId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.FieldId, g => g.Count, cancellationToken);
        return Result<IReadOnlyList<CustomFieldView>>.Ok([.. found.Select(f => CustomFieldView.Of(f, counts.GetValueOrDefault(f.Id)))]);
    }

    /// <summary>One field with its values count; 404 when there is none with this ID.</summary>
    public async Task<Result<CustomFieldView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result<CustomFieldView>.Forbidden(AdministratorsOnly);
        }

        var field = await db.Set<CustomField>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        return field is null ? Result<CustomFieldView>.NotFound()
            : Result<CustomFieldView>.Ok(CustomFieldView.Of(field, await db.Set<CustomFieldValue>().CountAsync(v => v.FieldId == id, cancellationToken)));
    }
}
