using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

public sealed record FieldRuleInput(string Module, string Field, FieldAccess? Access);

public sealed record RoleDetails(
    int Id, string Name, string? Description, int? ParentId, AssignRecordsTo AssignRecordsTo, int? MaxExportRows, int Users,
    IReadOnlyList<GrantInput> Grants, IReadOnlyList<FieldRuleInput> FieldRules)
{
    /// <summary>The profiles the role is built on (its holders get their grants and field rules too).</summary>
    public IReadOnlyList<int> ProfileIds { get; init; } = [];
}

/// <summary>One role with its grants, field rules and the profiles it is built on.</summary>
public sealed class ReadRole(CrmDb db)
{
    public async Task<Result<RoleDetails>> RunAsync(Actor actor, int roleId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<RoleDetails>.Forbidden("Only administrators manage roles.");
        }

        var role = await db.Roles.AsNoTracking().Include(r => r.Grants).Include(r => r.FieldRules)
            .FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return Result<RoleDetails>.NotFound();
        }

        var users = await db.Users.CountAsync(u => u.RoleId == roleId, cancellationToken);
        return Result<RoleDetails>.Ok(new RoleDetails(role.Id, role.Name, role.Description, role.ParentId, role.AssignRecordsTo, role.MaxExportRows, users,
            role.Grants.Select(g => new GrantInput(g.Module, g.Action, g.Scope)).ToList(),
            role.FieldRules.Select(f => new FieldRuleInput(f.Module, f.Field, f.Access)).ToList())
        {
            ProfileIds = await db.RoleProfiles.Where(rp => rp.RoleId == roleId).Select(rp => rp.ProfileId).OrderBy(id => id).ToListAsync(cancellationToken),
        });
    }
}
