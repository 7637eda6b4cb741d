using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>The sharing rules, by module in the catalogue's order (administrators).</summary>
public sealed class ListSharingRules(CrmDb db, PermissionCatalog catalog)
{
    public async Task<Result<IReadOnlyList<SharingRuleView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<SharingRuleView>>.Forbidden(SaveSharingRule.AdministratorsOnly);
        }

        var rules = await db.SharingRules.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var names = await SharingNames.LoadAsync(db, cancellationToken);
        var order = catalog.Modules.Select((m, i) => (m.Key, i)).ToDictionary(p => p.Key, p => p.i);
        return Result<IReadOnlyList<SharingRuleView>>.Ok([.. rules
            .Where(r => order.ContainsKey(r.Module))
            .OrderBy(r => order[r.Module]).ThenBy(r => r.Id)
            .Select(r => View(r, catalog[r.Module], names))]);
    }

    public static SharingRuleView View(SharingRule rule, ModuleDefinition module, SharingNames names) =>
        new(rule.Id, rule.Module, module.Title, $"{module.Title}: {names.Describe(rule)}", SharedRecords.AccessName(rule.Access),
            rule.FromGroupId, rule.FromRoleId, rule.FromSubordinates, rule.FromDepartmentId, rule.ToGroupId, rule.ToRoleId, rule.ToSubordinates, rule.ToDepartmentId);
}
