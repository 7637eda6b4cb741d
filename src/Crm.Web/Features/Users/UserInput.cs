using Crm.Web.Data;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>
/// What an administrator may set on a user, from the form or the API. Only these fields are read:
/// nothing else in a request body can reach the account (no mass assignment). <c>CurrentPassword</c> is
/// the acting administrator's own, needed to make someone an administrator after a sign-in older
/// than 10 minutes (<see cref="Account.FreshSignIn"/>).
/// </summary>
public sealed record UserInput(
    string? Email,
    string? FullName,
    int? RoleId,
    IReadOnlyList<int>? DepartmentIds,
    int? PrimaryDepartmentId,
    IReadOnlyList<int>? GroupIds,
    bool IsAdministrator,
    string? Language,
    string? TimeZone,
    UserKind Kind = UserKind.Person,
    string? CurrentPassword = null);

/// <summary>
/// A person signs in through the browser and holds a seat; an integration user is another
/// system's identity, used only through API tokens and webhook endpoints (no sign-in, no seat).
/// </summary>
public enum UserKind
{
    Person,
    Integration,
}

public static class UserInputRules
{
    public static readonly string[] Languages = ["en", "de", "fr", "es", "it", "nl", "pl", "ro"];

    /// <summary>Checks the fields and the references they make; returns the cleaned department list.</summary>
    public static async Task<(FieldErrors Errors, List<int> Departments, List<int> Groups)> CheckAsync(
        CrmDb db, UserInput input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Email("email", "Email", input.Email)
            .Text("fullName", "Full name", input.FullName, 200);

        if (input.RoleId is null)
        {
            errors.Add("roleId", "Choose a role: every user has exactly one.");
        }
        else if (!await db.Roles.AnyAsync(r => r.Id == input.RoleId, cancellationToken))
        {
            errors.Add("roleId", "That role does not exist (any more).");
        }

        var departments = (input.DepartmentIds ?? []).Distinct().ToList();
        if (departments.Count > 0)
        {
            var known = await db.Departments.Where(d => departments.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken);
            if (known.Count != departments.Count)
            {
                errors.Add("departmentIds", "One of the chosen departments does not exist (any more).");
            }
        }

        if (input.PrimaryDepartmentId is { } primary && !departments.Contains(primary))
        {
            errors.Add("primaryDepartmentId", "The primary department must be one of the user's departments.");
        }

        var groups = (input.GroupIds ?? []).Distinct().ToList();
        if (groups.Count > 0 && await db.Groups.CountAsync(g => groups.Contains(g.Id), cancellationToken) != groups.Count)
        {
            errors.Add("groupIds", "One of the chosen groups does not exist (any more).");
        }

        if (!string.IsNullOrEmpty(input.Language) && !Languages.Contains(input.Language))
        {
            errors.Add("language", $"Language must be one of: {string.Join(", ", Languages)}.");
        }

        if (!Enum.IsDefined(input.Kind))
        {
            errors.Add("kind", "Kind must be Person or Integration.");
        }

        if (!string.IsNullOrEmpty(input.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(input.TimeZone, out _))
        {
            errors.Add("timeZone", "Time zone must be an IANA name such as Europe/Bucharest.");
        }

        return (errors, departments, groups);
    }

    /// <summary>Replaces the user's department and group memberships with the given ones.</summary>
    public static async Task SetMembershipsAsync(CrmDb db, Guid userId, List<int> departments, int? primary, List<int> groups, CancellationToken cancellationToken)
    {
        // Tracked differences (not delete-all and re-insert): the audit trail then shows exactly
        // which memberships were added, removed or made primary.
        var primaryId = primary ?? (departments.Count > 0 ? departments[0] : (int?)null);
        var currentDepartments = await db.UserDepartments.Where(m => m.UserId == userId).ToListAsync(cancellationToken);
        db.UserDepartments.RemoveRange(currentDepartments.Where(m => !departments.Contains(m.DepartmentId)));
        foreach (var kept in currentDepartments.Where(m => departments.Contains(m.DepartmentId)))
        {
            kept.IsPrimary = kept.DepartmentId == primaryId;
        }

        db.UserDepartments.AddRange(departments.Distinct().Where(d => currentDepartments.All(m => m.DepartmentId != d))
            .Select(d => new Departments.UserDepartment { UserId = userId, DepartmentId = d, IsPrimary = d == primaryId }));
        var currentGroups = await db.GroupMembers.Where(m => m.UserId == userId).ToListAsync(cancellationToken);
        db.GroupMembers.RemoveRange(currentGroups.Where(m => !groups.Contains(m.GroupId)));
        db.GroupMembers.AddRange(groups.Distinct().Where(g => currentGroups.All(m => m.GroupId != g))
            .Select(g => new Groups.GroupMember { UserId = userId, GroupId = g }));
    }
}
