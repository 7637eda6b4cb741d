using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>Which sensitive or custom fields holders of a role may not see, or may not change.</summary>
public sealed class SaveRoleFieldRules(CrmDb db, RestrictableFields restrictable, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What saving these field rules would change for whom, without saving them (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, int roleId, IReadOnlyList<FieldRuleInput> rules, CancellationToken cancellationToken)
    {
        var name = await db.Roles.Where(r => r.Id == roleId).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"field rules of role {name}", (inside, ct) => inside.GetRequiredService<SaveRoleFieldRules>().RunAsync(actor, roleId, rules, ct), cancellationToken);
    }

    public async Task<Result> RunAsync(Actor actor, int roleId, IReadOnlyList<FieldRuleInput> rules, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage roles.");
        }

        var role = await db.Roles.Include(r => r.FieldRules).FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return Result.NotFound();
        }

        var errors = GrantRules.CheckFieldRules(await restrictable.ListAsync(cancellationToken), rules, new FieldErrors());
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        role.FieldRules.Clear();
        role.FieldRules.AddRange(rules.Where(r => r.Access is not null).DistinctBy(r => (r.Module, r.Field))
            .Select(r => new RoleFieldRule { Module = r.Module, Field = r.Field, Access = r.Access!.Value }));
        activity.Record(actor, ActivityKinds.PermissionChanged,
            $"Role {role.Name}: field rules {(role.FieldRules.Count == 0 ? "cleared" : string.Join(", ", role.FieldRules.Select(f => $"{f.Module}.{f.Field} {f.Access}")))}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
