using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// Whom a record share or a vault grant is for: exactly one of an active user, a group, a role
/// (with or without the roles below it) or a department, and that one must exist. Both name the
/// target the same way in their history; only the words of their messages differ.
/// </summary>
public static class ShareTargetCheck
{
    /// <summary>The caller's sentences for no target, several targets, and "with subordinates" on a target that is no role.</summary>
    public sealed record Wording(string NoTarget, string SeveralTargets, string SubordinatesWithoutRole);

    /// <summary>The target's name ("user 'Ann'", "role 'Sales' and the roles below it"), or null after an error in <paramref name="errors"/>.</summary>
    public static async Task<string?> NameAsync(CrmDb db, Guid? userId, int? groupId, int? roleId, bool? withSubordinates, int? departmentId,
        Wording wording, FieldErrors errors, CancellationToken cancellationToken)
    {
        var given = new[] { userId is not null, groupId is not null, roleId is not null, departmentId is not null }.Count(g => g);
        if (given != 1)
        {
            errors.Add("target", given == 0 ? wording.NoTarget : wording.SeveralTargets);
            return null;
        }

        if (withSubordinates == true && roleId is null)
        {
            errors.Add("withSubordinates", wording.SubordinatesWithoutRole);
        }

        if (userId is { } user)
        {
            var found = await db.Users.AsNoTracking().Where(u => u.Id == user && u.IsActive).Select(u => new { u.FullName, u.Email }).FirstOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                errors.Add("userId", "There is no active user with this ID.");
                return null;
            }

            return $"user '{(string.IsNullOrWhiteSpace(found.FullName) ? found.Email : found.FullName)}'";
        }

        var known = groupId is { } group ? await db.Groups.AnyAsync(g => g.Id == group, cancellationToken)
            : roleId is { } role ? await db.Roles.AnyAsync(r => r.Id == role, cancellationToken)
            : await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken);
        if (!known)
        {
            var (field, noun) = groupId is not null ? ("groupId", "group") : roleId is not null ? ("roleId", "role") : ("departmentId", "department");
            errors.Add(field, $"There is no {noun} with this ID.");
            return null;
        }

        return (await SharingNames.LoadAsync(db, cancellationToken)).Party(groupId, departmentId, roleId, withSubordinates == true);
    }
}
