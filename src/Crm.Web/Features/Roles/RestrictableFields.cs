using Crm.Web.Data;
using Crm.Web.Features.CustomFields;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>
/// A field a role's or a profile's field rule may name: a module's sensitive built-in field, or one
/// of its custom fields (by key; <paramref name="Label"/> is what screens and the explainer show).
/// </summary>
public sealed record RestrictableField(ModuleDefinition Module, string Key, string Label, bool Custom, bool AdminOnly);

/// <summary>
/// The fields field rules may name, per module in the catalog's order: the module's own sensitive
/// fields, then its custom fields in their form order. Read per request, since custom fields come
/// and go; the role and profile saves check against it, and their screens list it.
/// </summary>
public sealed class RestrictableFields(CrmDb db, PermissionCatalog catalog)
{
    public async Task<IReadOnlyList<RestrictableField>> ListAsync(CancellationToken cancellationToken)
    {
        var custom = await db.Set<CustomField>().OrderBy(f => f.Position).ThenBy(f => f.Id)
            .Select(f => new { f.Module, f.Key, f.Label, f.AdminOnly }).ToListAsync(cancellationToken);
        return catalog.Modules
            .SelectMany(m => m.SensitiveFields.Select(f => new RestrictableField(m, f, f, Custom: false, AdminOnly: false))
                .Concat(custom.Where(c => c.Module == m.Key).Select(c => new RestrictableField(m, c.Key, c.Label, Custom: true, c.AdminOnly))))
            .ToList();
    }
}
