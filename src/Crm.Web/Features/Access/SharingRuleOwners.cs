using Crm.Web.Data;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>
/// Turns the sharing rules into what the engine needs about one user: for each rule whose target
/// reaches them, the owners whose records it opens (the members of its source). Read when the
/// user's permissions are loaded, so a rule costs nothing per record and a list stays one query
/// on the owner index; the permission stamp reloads it when a rule or a membership changes.
/// </summary>
public static class SharingRuleOwners
{
    public static async Task<IReadOnlyList<RuleShare>> ReachingAsync(
        CrmDb db, PermissionSubject subject, IReadOnlyList<(int Id, int? ParentId)> departments, IReadOnlyList<(int Id, int? ParentId)> roles,
        CancellationToken cancellationToken)
    {
        var rules = await db.SharingRules.AsNoTracking().ToListAsync(cancellationToken);
        var reaching = rules.Where(r => TargetOf(r).Reaches(subject)).ToList();
        if (reaching.Count == 0)
        {
            return [];
        }

        var names = await SharingNames.LoadAsync(db, cancellationToken);
        var found = new List<RuleShare>(reaching.Count);
        foreach (var rule in reaching)
        {
            IQueryable<Guid> owners;
            if (rule.FromGroupId is { } group)
            {
                owners = db.GroupMembers.Where(m => m.GroupId == group).Select(m => m.UserId);
            }
            else if (rule.FromRoleId is { } role)
            {
                var roleIds = (rule.FromSubordinates ? PermissionSubjects.Descendants(role, roles) : []).Append(role).ToList();
                owners = db.Users.Where(u => roleIds.Contains(u.RoleId)).Select(u => u.Id);
            }
            else
            {
                // The records of a department are those of its members and of its sub-departments' members.
                var department = rule.FromDepartmentId ?? 0;
                var departmentIds = PermissionSubjects.Descendants(department, departments).Append(department).ToList();
                owners = db.UserDepartments.Where(m => departmentIds.Contains(m.DepartmentId)).Select(m => m.UserId);
            }

            var ownerIds = (await owners.Distinct().ToListAsync(cancellationToken)).ToHashSet();
            found.Add(new RuleShare(rule.Module, names.Describe(rule), rule.Access, ownerIds));
        }

        return found;
    }

    /// <summary>The rule's target as a share, so it reaches exactly whom a share with the same target would.</summary>
    public static RecordShare TargetOf(SharingRule rule) =>
        rule.ToGroupId is { } group ? RecordShare.WithGroup(group, rule.Access)
        : rule.ToRoleId is { } role ? RecordShare.WithRole(role, rule.ToSubordinates, rule.Access)
        : RecordShare.WithDepartment(rule.ToDepartmentId ?? 0, rule.Access);
}

/// <summary>The names of groups, departments, roles and users, for sentences about shares and rules (the organisation tables are small).</summary>
public sealed class SharingNames
{
    private readonly Dictionary<int, string> _groups;
    private readonly Dictionary<int, string> _departments;
    private readonly Dictionary<int, string> _roles;

    private SharingNames(Dictionary<int, string> groups, Dictionary<int, string> departments, Dictionary<int, string> roles)
    {
        _groups = groups;
        _departments = departments;
        _roles = roles;
    }

    public static async Task<SharingNames> LoadAsync(CrmDb db, CancellationToken cancellationToken) => new(
        await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken),
        await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken),
        await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken));

    public string Group(int id) => _groups.GetValueOrDefault(id, $"#{id}");

    public string Department(int id) => _departments.GetValueOrDefault(id, $"#{id}");

    public string Role(int id) => _roles.GetValueOrDefault(id, $"#{id}");

    /// <summary>"group 'Sales'", "role 'Manager' and the roles below it", "department 'Support'".</summary>
    public string Party(int? groupId, int? departmentId, int? roleId, bool subordinates) =>
        groupId is { } g ? $"group '{Group(g)}'"
        : roleId is { } r ? $"role '{Role(r)}'" + (subordinates ? " and the roles below it" : "")
        : $"department '{Department(departmentId ?? 0)}'";

    /// <summary>"records owned by members of group 'Sales' are shared with department 'Support'".</summary>
    public string Describe(SharingRule rule) =>
        $"records owned by members of {Party(rule.FromGroupId, rule.FromDepartmentId, rule.FromRoleId, rule.FromSubordinates)}"
        + $" are shared with {Party(rule.ToGroupId, rule.ToDepartmentId, rule.ToRoleId, rule.ToSubordinates)}";
}
