using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

public sealed record ModuleDefaultInput(string Module, OrganisationDefault Access);

/// <summary>
/// The organisation-wide default of each module: Private (only grants count), Public read
/// (everyone sees every record) or Public read/write (everyone may also edit).
/// </summary>
public sealed class SaveModuleDefaults(CrmDb db, PermissionCatalog catalog, ActivityLog activity, PermissionWhatIf whatIf)
{
    /// <summary>What saving these defaults would change for everyone, without saving them (<c>?dryRun=true</c>, the page's Preview).</summary>
    public Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, IReadOnlyList<ModuleDefaultInput> defaults, CancellationToken cancellationToken) =>
        whatIf.RunAsync(actor, "organisation defaults", (inside, ct) => inside.GetRequiredService<SaveModuleDefaults>().RunAsync(actor, defaults, ct), cancellationToken);

    public async Task<Result<IReadOnlyList<ModuleDefaultInput>>> ReadAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<ModuleDefaultInput>>.Forbidden("Only administrators manage organisation defaults.");
        }

        var stored = await db.ModuleDefaults.ToDictionaryAsync(d => d.Module, d => d.Access, cancellationToken);
        return Result<IReadOnlyList<ModuleDefaultInput>>.Ok(catalog.Modules
            .Select(m => new ModuleDefaultInput(m.Key, stored.GetValueOrDefault(m.Key, OrganisationDefault.Private))).ToList());
    }

    public async Task<Result> RunAsync(Actor actor, IReadOnlyList<ModuleDefaultInput> defaults, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only administrators manage organisation defaults.");
        }

        var errors = new FieldErrors();
        foreach (var item in defaults)
        {
            if (catalog.Modules.All(m => m.Key != item.Module))
            {
                errors.Add("defaults", $"'{item.Module}' is not a module the CRM knows.");
            }
            else if (!Enum.IsDefined(item.Access))
            {
                errors.Add("defaults", $"'{item.Module}' has an unknown default.");
            }
        }

        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var stored = await db.ModuleDefaults.ToListAsync(cancellationToken);
        var changes = new List<string>();
        foreach (var item in defaults.DistinctBy(d => d.Module))
        {
            var row = stored.FirstOrDefault(d => d.Module == item.Module);
            var old = row?.Access ?? OrganisationDefault.Private;
            if (old == item.Access)
            {
                continue;
            }

            changes.Add($"{item.Module}: {old} → {item.Access}");
            if (row is null)
            {
                db.ModuleDefaults.Add(new ModuleDefault { Module = item.Module, Access = item.Access });
            }
            else
            {
                row.Access = item.Access;
            }
        }

        if (changes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.PermissionChanged, $"Organisation defaults: {string.Join("; ", changes)}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
