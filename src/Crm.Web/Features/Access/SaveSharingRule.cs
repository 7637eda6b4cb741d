using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.WhatIf;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>
/// A sharing rule as the API's body and the page's form give it: the module, exactly one source
/// (fromGroupId, fromRoleId with fromSubordinates, fromDepartmentId), exactly one target (the same
/// with "to") and the access, "read" or "edit".
/// </summary>
public sealed record SharingRuleInput(string? Module, int? FromGroupId, int? FromRoleId, bool? FromSubordinates, int? FromDepartmentId,
    int? ToGroupId, int? ToRoleId, bool? ToSubordinates, int? ToDepartmentId, string? Access);

public sealed record SharingRuleView(int Id, string Module, string ModuleTitle, string Description, string Access,
    int? FromGroupId, int? FromRoleId, bool FromSubordinates, int? FromDepartmentId, int? ToGroupId, int? ToRoleId, bool ToSubordinates, int? ToDepartmentId);

/// <summary>
/// Adds a sharing rule (administrators): "records of module M owned by members of X are shared with
/// Y, read or read-write". It bites on the next request of everyone it reaches: the permission stamp
/// changes with it. Recorded in the activity log and, as every row, in the audit trail.
/// </summary>
public sealed class SaveSharingRule(CrmDb db, PermissionCatalog catalog, RecordLookups lookups, ActivityLog activity, TimeProvider clock, PermissionWhatIf whatIf)
{
    public const string AdministratorsOnly = "Only administrators manage sharing rules.";

    /// <summary>
    /// What adding this rule would change for everyone, without adding it (<c>?dryRun=true</c>): the
    /// same save, rolled back, and per user the records they would newly see, counted by the real row
    /// filter. Bad input is refused with the save's own messages.
    /// </summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, SharingRuleInput input, CancellationToken cancellationToken) =>
        await whatIf.RunAsync(actor, $"sharing rule on {input.Module}",
            async (inside, ct) => await inside.GetRequiredService<SaveSharingRule>().RunAsync(actor, input, ct), cancellationToken);

    public async Task<Result<SharingRuleView>> RunAsync(Actor actor, SharingRuleInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<SharingRuleView>.Forbidden(AdministratorsOnly);
        }

        var errors = new FieldErrors();
        // Only modules whose records have owners can be shared: those with a record lookup.
        var module = catalog.Modules.FirstOrDefault(m => m.Key == input.Module && lookups.Of(m.Key) is not null);
        if (module is null)
        {
            errors.Add("module", "Choose a module whose records can be shared.");
        }

        var access = input.Access?.Trim().ToLowerInvariant() switch
        {
            "read" => ShareAccess.Read,
            "edit" => ShareAccess.Edit,
            _ => (ShareAccess?)null,
        };
        if (access is null)
        {
            errors.Add("access", "Choose the access: read or edit.");
        }

        var fromKnown = await CheckPartyAsync("from", input.FromGroupId, input.FromRoleId, input.FromSubordinates, input.FromDepartmentId, errors, cancellationToken);
        var toKnown = await CheckPartyAsync("to", input.ToGroupId, input.ToRoleId, input.ToSubordinates, input.ToDepartmentId, errors, cancellationToken);
        if (fromKnown && toKnown && input.FromGroupId == input.ToGroupId && input.FromRoleId == input.ToRoleId && input.FromDepartmentId == input.ToDepartmentId)
        {
            errors.Add("to", "A rule shares records with someone else: the target must differ from the source.");
        }

        if (errors.Any)
        {
            return Result<SharingRuleView>.Invalid(errors);
        }

        var rule = new SharingRule
        {
            Module = module!.Key,
            FromGroupId = input.FromGroupId,
            FromRoleId = input.FromRoleId,
            FromSubordinates = input.FromRoleId is not null && input.FromSubordinates == true,
            FromDepartmentId = input.FromDepartmentId,
            ToGroupId = input.ToGroupId,
            ToRoleId = input.ToRoleId,
            ToSubordinates = input.ToRoleId is not null && input.ToSubordinates == true,
            ToDepartmentId = input.ToDepartmentId,
            Access = access!.Value,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SharingRules.Add(rule);
        var names = await SharingNames.LoadAsync(db, cancellationToken);
        activity.Record(actor, ActivityKinds.PermissionChanged,
            $"Sharing rule added: {module.Title.ToLowerInvariant()} {names.Describe(rule)}, for {SharedRecords.AccessName(rule.Access)}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<SharingRuleView>.Ok(ListSharingRules.View(rule, module, names));
    }

    /// <summary>Exactly one of group, role and department, and one that exists; true when so.</summary>
    private async Task<bool> CheckPartyAsync(string side, int? groupId, int? roleId, bool? subordinates, int? departmentId, FieldErrors errors, CancellationToken cancellationToken)
    {
        var what = side == "from" ? "whose records are shared" : "who receives them";
        var given = new[] { groupId is not null, roleId is not null, departmentId is not null }.Count(g => g);
        if (given != 1)
        {
            errors.Add(side, given == 0 ? $"Choose {what}: a group, a role or a department." : $"Choose one group, role or department {what}, not several.");
            return false;
        }

        if (subordinates == true && roleId is null)
        {
            errors.Add(side, "Only a role can include the roles below it.");
            return false;
        }

        var known = groupId is { } g ? await db.Groups.AnyAsync(x => x.Id == g, cancellationToken)
            : roleId is { } r ? await db.Roles.AnyAsync(x => x.Id == r, cancellationToken)
            : await db.Departments.AnyAsync(x => x.Id == departmentId, cancellationToken);
        if (!known)
        {
            errors.Add(side, $"There is no {(groupId is not null ? "group" : roleId is not null ? "role" : "department")} with this ID.");
        }

        return known;
    }
}
