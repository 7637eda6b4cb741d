using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

public sealed record GrantInput(string Module, string Action, Scope Scope);

/// <summary>
/// Replaces a role's grants with the given matrix. Every change is spelled out in the activity
/// log (module, action, old scope → new scope).
/// </summary>
public sealed class SaveRoleGrants(CrmDb db, PermissionCatalog catalog, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What saving these grants would change for whom, without saving them (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, int roleId, IReadOnlyList<GrantInput> grants, CancellationToken cancellationToken)
    {
        var name = await db.Roles.Where(r => r.Id == roleId).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"permissions of role {name}", (inside, ct) => inside.GetRequiredService<SaveRoleGrants>().RunAsync(actor, roleId, grants, ct), cancellationToken);
    }

    public async Task<Result> RunAsync(Actor actor, int roleId, IReadOnlyList<GrantInput> grants, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage roles.");
        }

        var role = await db.Roles.Include(r => r.Grants).FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return Result.NotFound();
        }

        var errors = GrantRules.Check(catalog, grants);
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var wanted = grants.Where(g => g.Scope != Scope.None).ToDictionary(g => (g.Module, g.Action), g => g.Scope);
        var before = role.Grants.ToDictionary(g => (g.Module, g.Action), g => g.Scope);
        var changes = GrantRules.Describe(before, wanted);
        GrantRules.Apply(role.Grants, wanted, (module, action, scope) => new RoleGrant { Module = module, Action = action, Scope = scope });

        if (changes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.PermissionChanged, $"Role {role.Name}: {string.Join("; ", changes)}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}

/// <summary>Checks and describes grant matrices; shared by role grants, group grants and individual overrides.</summary>
public static class GrantRules
{
    public static FieldErrors Check(PermissionCatalog catalog, IReadOnlyList<GrantInput> grants)
    {
        var errors = new FieldErrors();
        foreach (var grant in grants)
        {
            if (!catalog.Modules.Any(m => m.Key == grant.Module && m.Has(grant.Action)))
            {
                errors.Add("grants", $"'{grant.Module}: {grant.Action}' is not a permission the CRM knows.");
            }
            else if (!Enum.IsDefined(grant.Scope))
            {
                errors.Add("grants", $"'{grant.Module}: {grant.Action}' has an unknown scope.");
            }
        }

        if (grants.GroupBy(g => (g.Module, g.Action)).Any(g => g.Count() > 1))
        {
            errors.Add("grants", "A permission is listed twice.");
        }

        return errors;
    }

    /// <summary>Makes <paramref name="rows"/> hold exactly the <paramref name="wanted"/> grants: missing ones dropped, kept ones rescoped, new ones made.</summary>
    public static void Apply<TGrant>(List<TGrant> rows, IReadOnlyDictionary<(string Module, string Action), Scope> wanted, Func<string, string, Scope, TGrant> make)
        where TGrant : IGrantRow
    {
        rows.RemoveAll(g => !wanted.ContainsKey((g.Module, g.Action)));
        foreach (var ((module, action), scope) in wanted)
        {
            if (rows.FirstOrDefault(g => g.Module == module && g.Action == action) is { } existing)
            {
                existing.Scope = scope;
            }
            else
            {
                rows.Add(make(module, action, scope));
            }
        }
    }

    /// <summary>
    /// Each field rule names a field its module lets a rule restrict (a sensitive built-in field or a
    /// custom field, <see cref="RestrictableFields"/>); else a "fieldRules" error naming it.
    /// </summary>
    public static FieldErrors CheckFieldRules(IReadOnlyList<RestrictableField> restrictable, IEnumerable<FieldRuleInput> rules, FieldErrors errors)
    {
        foreach (var rule in rules.Where(r => !restrictable.Any(f => f.Module.Key == r.Module && f.Key == r.Field)))
        {
            errors.Add("fieldRules", $"'{rule.Module}.{rule.Field}' is not a field that can be restricted.");
        }

        if (rules.Any(r => r.Access is { } access && !Enum.IsDefined(access)))
        {
            errors.Add("fieldRules", "A field rule must be ReadOnly or Hidden.");
        }

        return errors;
    }

    public static List<string> Describe(IReadOnlyDictionary<(string Module, string Action), Scope> before, IReadOnlyDictionary<(string Module, string Action), Scope> after) =>
        before.Keys.Union(after.Keys).Order()
            .Select(k => (Key: k, Old: before.GetValueOrDefault(k, Scope.None), New: after.GetValueOrDefault(k, Scope.None)))
            .Where(c => c.Old != c.New)
            .Select(c => $"{c.Key.Module} {c.Key.Action}: {c.Old} → {c.New}")
            .ToList();
}

/// <summary>A stored grant row (of a role or a profile): what <see cref="GrantRules.Apply"/> updates in place.</summary>
public interface IGrantRow
{
#pragma warning disable CA1716 // The stored column's name, as on every grant row; no other .NET language implements this.
    string Module { get; }
#pragma warning restore CA1716
    string Action { get; }
    Scope Scope { get; set; }
}
