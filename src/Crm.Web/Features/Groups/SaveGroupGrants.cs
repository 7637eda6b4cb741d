using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Roles;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Groups;

/// <summary>
/// The permissions a group adds to its members (on top of their roles; the widest wins, an
/// individual override still beats both). The given matrix replaces the group's grants.
/// </summary>
public sealed class SaveGroupGrants(CrmDb db, PermissionCatalog catalog, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What saving these grants would change for the members, without saving them (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, int groupId, IReadOnlyList<GrantInput> grants, CancellationToken cancellationToken)
    {
        var name = await db.Groups.Where(g => g.Id == groupId).Select(g => g.Name).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"permissions of group {name}", (inside, ct) => inside.GetRequiredService<SaveGroupGrants>().RunAsync(actor, groupId, grants, ct), cancellationToken);
    }

    public async Task<Result<IReadOnlyList<GrantInput>>> ReadAsync(Actor actor, int groupId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<GrantInput>>.Forbidden("Only administrators manage groups.");
        }

        if (!await db.Groups.AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return Result<IReadOnlyList<GrantInput>>.NotFound();
        }

        return Result<IReadOnlyList<GrantInput>>.Ok(await db.GroupGrants.Where(g => g.GroupId == groupId)
            .Select(g => new GrantInput(g.Module, g.Action, g.Scope)).ToListAsync(cancellationToken));
    }

    public async Task<Result> RunAsync(Actor actor, int groupId, IReadOnlyList<GrantInput> grants, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage groups.");
        }

        var group = await db.Groups.Include(g => g.Grants).FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        if (group is null)
        {
            return Result.NotFound();
        }

        var errors = GrantRules.Check(catalog, grants);
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var wanted = grants.Where(g => g.Scope != Scope.None).ToDictionary(g => (g.Module, g.Action), g => g.Scope);
        var changes = GrantRules.Describe(group.Grants.ToDictionary(g => (g.Module, g.Action), g => g.Scope), wanted);
        group.Grants.Clear();
        group.Grants.AddRange(wanted.Select(w => new GroupGrant { Module = w.Key.Module, Action = w.Key.Action, Scope = w.Value }));
        if (changes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.PermissionChanged, $"Group {group.Name}: {string.Join("; ", changes)}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
