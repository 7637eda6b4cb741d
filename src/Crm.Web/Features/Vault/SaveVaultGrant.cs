using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>Whether a grant is on a category (every entry in it) or on one entry.</summary>
public readonly record struct VaultGrantPlace(int? CategoryId, int? EntryId)
{
    public static VaultGrantPlace Category(int id) => new(id, null);

    public static VaultGrantPlace Entry(int id) => new(null, id);
}

/// <summary>
/// Grants "view" or "edit" on a category or an entry to a user, group, role (optionally with the
/// roles below it) or department (administrators). Granting the same target again replaces its
/// access. Each change is in the activity log beside the audit trail's row, like other permission changes.
/// </summary>
public sealed class SaveVaultGrant(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public async Task<Result<VaultGrantView>> RunAsync(Actor actor, VaultGrantPlace place, VaultGrantInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result<VaultGrantView>.Forbidden("Only administrators manage the vault's grants.");
        }

        if (actor.IsPreview)
        {
            return Result<VaultGrantView>.Forbidden(RecordEditing.PreviewRefused);
        }

        var placeName = await PlaceNameAsync(db, place, cancellationToken);
        if (placeName is null)
        {
            return Result<VaultGrantView>.NotFound();
        }

        var errors = new FieldErrors();
        var access = input.Access?.Trim().ToLowerInvariant() switch
        {
            "view" => ShareAccess.Read,
            "edit" => ShareAccess.Edit,
            _ => (ShareAccess?)null,
        };
        if (access is null)
        {
            errors.Add("access", "Choose the access: view or edit.");
        }

        var target = await TargetNameAsync(input, errors, cancellationToken);
        if (errors.Any || target is null)
        {
            return Result<VaultGrantView>.Invalid(errors);
        }

        var subordinates = input.RoleId is not null && input.WithSubordinates == true;
        var grant = await db.Set<VaultGrant>().FirstOrDefaultAsync(g => g.CategoryId == place.CategoryId && g.EntryId == place.EntryId
            && g.UserId == input.UserId && g.GroupId == input.GroupId && g.RoleId == input.RoleId && g.DepartmentId == input.DepartmentId
            && g.WithSubordinates == subordinates, cancellationToken);
        if (grant is null)
        {
            grant = new VaultGrant
            {
                CategoryId = place.CategoryId,
                EntryId = place.EntryId,
                UserId = input.UserId,
                GroupId = input.GroupId,
                RoleId = input.RoleId,
                WithSubordinates = subordinates,
                DepartmentId = input.DepartmentId,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.Add(grant);
        }

        grant.Access = access!.Value;
        var accessName = grant.Access == ShareAccess.Edit ? "edit" : "view";
        activity.Record(actor, ActivityKinds.PermissionChanged, $"Vault: granted {accessName} on {placeName} to {target}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<VaultGrantView>.Ok(new VaultGrantView(grant.Id, target, accessName));
    }

    /// <summary>"category 'Servers'" or "entry 'Router' (#3)"; null when it does not exist.</summary>
    public static async Task<string?> PlaceNameAsync(CrmDb db, VaultGrantPlace place, CancellationToken cancellationToken) =>
        place.CategoryId is { } category
            ? await db.Set<VaultCategory>().Where(c => c.Id == category).Select(c => "category '" + c.Name + "'").FirstOrDefaultAsync(cancellationToken)
            : await db.Set<VaultEntry>().Where(e => e.Id == place.EntryId).Select(e => "entry '" + e.Name + "'").FirstOrDefaultAsync(cancellationToken);

    private static readonly ShareTargetCheck.Wording s_wording = new(
        "Choose whom to grant access: a user, a group, a role or a department.",
        "Grant one target at a time: give only one of userId, groupId, roleId and departmentId.",
        "Only a grant to a role can include the roles below it.");

    /// <summary>Exactly one target that exists; its name, or null after an error.</summary>
    private Task<string?> TargetNameAsync(VaultGrantInput input, FieldErrors errors, CancellationToken cancellationToken) =>
        ShareTargetCheck.NameAsync(db, input.UserId, input.GroupId, input.RoleId, input.WithSubordinates, input.DepartmentId, s_wording, errors, cancellationToken);
}
