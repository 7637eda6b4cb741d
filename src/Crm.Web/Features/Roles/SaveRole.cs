using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>A role's details; <paramref name="MaxExportRows"/> is the most rows one export may have (null or absent: no limit).</summary>
public sealed record RoleInput(string? Name, string? Description, int? ParentId, AssignRecordsTo AssignRecordsTo, int? MaxExportRows = null);

/// <summary>Creates or renames a role and places it in the hierarchy. A new role grants nothing.</summary>
public sealed class SaveRole(CrmDb db, ActivityLog activity)
{
    /// <summary>The largest row limit a role may be given (above it, leave the limit empty).</summary>
    public const int MaxExportRowsLimit = 10_000_000;

    public async Task<Result<int>> RunAsync(Actor actor, int? roleId, RoleInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<int>.Forbidden("Only administrators manage roles.");
        }

        var role = roleId is null ? new Role() : await db.Roles.FirstOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return Result<int>.NotFound();
        }

        var errors = new FieldErrors()
            .Text("name", "Name", input.Name, 100)
            .Text("description", "Description", input.Description, 500, required: false)
            .PlainText("name", "Name", input.Name)
            .PlainText("description", "Description", input.Description, singleLine: false);
        var name = input.Name?.Trim() ?? "";
        if (!errors.Any)
        {
            var upper = name.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL UPPER(...): no .NET culture is involved.
            if (await db.Roles.AnyAsync(r => r.Id != role.Id && r.Name.ToUpper() == upper, cancellationToken))
#pragma warning restore CA1304, CA1311, CA1862
            {
                errors.Add("name", "Another role already has this name.");
            }
        }

        if (!Enum.IsDefined(input.AssignRecordsTo))
        {
            errors.Add("assignRecordsTo", "Choose who holders of this role may assign records to.");
        }

        if (input.MaxExportRows is < 1 or > MaxExportRowsLimit)
        {
            errors.Add("maxExportRows", $"Maximum rows per export must be a whole number from 1 to {MaxExportRowsLimit:N0}, or empty for no limit.");
        }

        if (input.ParentId is { } parent)
        {
            var tree = await db.Roles.Select(r => new { r.Id, r.ParentId }).ToListAsync(cancellationToken);
            if (tree.All(r => r.Id != parent))
            {
                errors.Add("parentId", "The role it reports to does not exist (any more).");
            }
            else if (role.Id != 0 && (parent == role.Id || PermissionSubjects.Descendants(role.Id, tree.Select(r => (r.Id, r.ParentId))).Contains(parent)))
            {
                errors.Add("parentId", "A role cannot report to itself or to a role that reports to it.");
            }
        }

        if (errors.Any)
        {
            return Result<int>.Invalid(errors);
        }

        var isNew = role.Id == 0;
        role.Name = name;
        role.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        role.ParentId = input.ParentId;
        role.AssignRecordsTo = input.AssignRecordsTo;
        role.MaxExportRows = input.MaxExportRows;
        if (isNew)
        {
            db.Roles.Add(role);
        }

        activity.Record(actor, ActivityKinds.RoleChanged, $"{(isNew ? "Created" : "Changed")} role {name}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<int>.Ok(role.Id);
    }
}
