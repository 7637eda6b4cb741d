using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Roles;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Profiles;

/// <summary>
/// Creates a profile or replaces one's name, description, grants and field rules. Every role built
/// on it changes with it, from its holders' next request; the change is spelled out in the
/// activity log (module, action, old scope → new scope) in the same transaction.
/// </summary>
public sealed class SaveProfile(CrmDb db, PermissionCatalog catalog, RestrictableFields restrictable, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What saving would change for whom, without saving (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, int? profileId, ProfileInput input, CancellationToken cancellationToken)
    {
        var name = profileId is null ? input.Name?.Trim() : await db.Profiles.Where(p => p.Id == profileId).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken);
        var shown = name is { Length: > 0 and <= Profile.NameLength } ? name : "(new)";
        return await whatIf.RunAsync(actor, $"profile {shown}",
            async (inside, ct) => await inside.GetRequiredService<SaveProfile>().RunAsync(actor, profileId, input, ct), cancellationToken);
    }

    public async Task<Result<int>> RunAsync(Actor actor, int? profileId, ProfileInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<int>.Forbidden("Only administrators manage profiles.");
        }

        var profile = profileId is null
            ? new Profile()
            : await db.Profiles.Include(p => p.Grants).Include(p => p.FieldRules).FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null)
        {
            return Result<int>.NotFound();
        }

        var grants = input.Grants ?? [];
        var fieldRules = input.FieldRules ?? [];
        var errors = new FieldErrors()
            .Text("name", "Name", input.Name, Profile.NameLength)
            .Text("description", "Description", input.Description, Profile.DescriptionLength, required: false)
            .PlainText("name", "Name", input.Name)
            .PlainText("description", "Description", input.Description, singleLine: false);
        var name = input.Name?.Trim() ?? "";
        if (!errors.Any)
        {
            var upper = name.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL UPPER(...): no .NET culture is involved.
            if (await db.Profiles.AnyAsync(p => p.Id != profile.Id && p.Name.ToUpper() == upper, cancellationToken))
#pragma warning restore CA1304, CA1311, CA1862
            {
                errors.Add("name", "Another profile already has this name.");
            }
        }

        foreach (var (field, messages) in GrantRules.Check(catalog, grants).ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }

        GrantRules.CheckFieldRules(await restrictable.ListAsync(cancellationToken), fieldRules, errors);

        if (errors.Any)
        {
            return Result<int>.Invalid(errors);
        }

        var isNew = profile.Id == 0;
        var wanted = grants.Where(g => g.Scope != Scope.None).ToDictionary(g => (g.Module, g.Action), g => g.Scope);
        var changes = GrantRules.Describe(profile.Grants.ToDictionary(g => (g.Module, g.Action), g => g.Scope), wanted);
        var rulesBefore = Describe(profile.FieldRules.Select(f => (f.Module, f.Field, f.Access)));
        profile.Name = name;
        profile.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        GrantRules.Apply(profile.Grants, wanted, (module, action, scope) => new ProfileGrant { Module = module, Action = action, Scope = scope });

        profile.FieldRules.Clear();
        profile.FieldRules.AddRange(fieldRules.Where(r => r.Access is not null).DistinctBy(r => (r.Module, r.Field))
            .Select(r => new ProfileFieldRule { Module = r.Module, Field = r.Field, Access = r.Access!.Value }));
        var rulesAfter = Describe(profile.FieldRules.Select(f => (f.Module, f.Field, f.Access)));
        if (rulesAfter != rulesBefore)
        {
            changes.Add($"field rules {(rulesAfter.Length == 0 ? "cleared" : rulesAfter)}");
        }

        if (isNew)
        {
            db.Profiles.Add(profile);
        }

        var roles = isNew ? [] : await db.RoleProfiles.Where(rp => rp.ProfileId == profile.Id).Join(db.Roles, rp => rp.RoleId, r => r.Id, (rp, r) => r.Name)
            .OrderBy(n => n).ToListAsync(cancellationToken);
        var usedBy = roles.Count == 0 ? "" : $" (roles {string.Join(", ", roles)})";
        activity.Record(actor, isNew ? ActivityKinds.RoleChanged : ActivityKinds.PermissionChanged,
            $"{(isNew ? "Created" : "Changed")} profile {name}{usedBy}{(changes.Count == 0 ? "" : ": " + string.Join("; ", changes))}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<int>.Ok(profile.Id);
    }

    private static string Describe(IEnumerable<(string Module, string Field, FieldAccess Access)> rules) =>
        string.Join(", ", rules.Select(r => $"{r.Module}.{r.Field} {r.Access}").Order(StringComparer.Ordinal));
}
