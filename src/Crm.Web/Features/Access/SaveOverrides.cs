using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Roles;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>
/// Individual permissions for one user that win over their role and groups (also when narrower).
/// The given list replaces the user's overrides; what is not listed follows the role again.
/// </summary>
public sealed class SaveOverrides(CrmDb db, PermissionCatalog catalog, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What saving these individual permissions would change, without saving them (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, Guid userId, IReadOnlyList<GrantInput> overrides, CancellationToken cancellationToken)
    {
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.FullName).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"individual permissions of {name}", (inside, ct) => inside.GetRequiredService<SaveOverrides>().RunAsync(actor, userId, overrides, ct), cancellationToken);
    }

    public async Task<Result> RunAsync(Actor actor, Guid userId, IReadOnlyList<GrantInput> overrides, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators set individual permissions.");
        }

        var user = await db.Users.Where(u => u.Id == userId).Select(u => new { u.Id, u.FullName, u.Email }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return Result.NotFound();
        }

        if (userId == actor.UserId)
        {
            return Result.Forbidden("You cannot change your own permissions: ask another administrator.");
        }

        var errors = GrantRules.Check(catalog, overrides);
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var existing = await db.PermissionOverrides.Where(o => o.UserId == userId).ToListAsync(cancellationToken);
        var before = existing.ToDictionary(o => (o.Module, o.Action), o => o.Scope);
        var after = overrides.ToDictionary(o => (o.Module, o.Action), o => o.Scope);
        var changes = before.Keys.Union(after.Keys).Order()
            .Select(k => (k, Old: before.TryGetValue(k, out var o) ? o.ToString() : "(role)", New: after.TryGetValue(k, out var n) ? n.ToString() : "(role)"))
            .Where(c => c.Old != c.New)
            .Select(c => $"{c.k.Module} {c.k.Action}: {c.Old} → {c.New}")
            .ToList();

        db.PermissionOverrides.RemoveRange(existing);
        db.PermissionOverrides.AddRange(overrides.Select(o => new PermissionOverride { UserId = userId, Module = o.Module, Action = o.Action, Scope = o.Scope }));
        if (changes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.PermissionChanged, $"Individual permissions of {user.FullName} <{user.Email}>: {string.Join("; ", changes)}", userId);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
