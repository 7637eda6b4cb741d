namespace Crm.Web.Security.Permissions;

/// <summary>Which records a grant reaches. Each scope includes the narrower ones, so the widest is the largest value.</summary>
public enum Scope
{
    None,
    Own,
    Subordinates,
    Department,
    All,
}

/// <summary>Organisation-wide access to a module's records, given to everyone on top of their grants.</summary>
public enum OrganisationDefault
{
    Private,
    PublicRead,
    PublicReadWrite,
}

public enum ShareTarget
{
    User,
    Group,
    Department,
    Role,
}

public enum ShareAccess
{
    Read,
    Edit,
}

public enum FieldAccess
{
    ReadOnly,
    Hidden,
}

/// <summary>An action on a module with a scope: a role grant or an individual override.</summary>
public sealed record Grant(string Module, string Action, Scope Scope)
{
    /// <summary>For a role grant: the profile of the role it comes from, or null for the role's own grant (for the explainer).</summary>
    public string? Profile { get; init; }
}

/// <summary>A grant the subject holds through one of their groups.</summary>
public sealed record GroupGrant(string GroupName, string Module, string Action, Scope Scope);

/// <summary>A field the subject's role may not see (Hidden) or not change (ReadOnly).</summary>
public sealed record FieldRule(string Module, string Field, FieldAccess Access)
{
    /// <summary>The profile of the role the rule comes from, or null for the role's own rule (for the explainer).</summary>
    public string? Profile { get; init; }
}

/// <summary>
/// One record shared with a user, a group, a department or a role; exactly the id matching
/// <paramref name="Target"/> is set (use the factories). A department share reaches everyone whose
/// <see cref="PermissionSubject.DepartmentIds"/> holds it, so heads of parent departments too; a
/// role share reaches the role's members, and with <see cref="WithSubordinates"/> also everyone
/// whose role is below it.
/// </summary>
public sealed record RecordShare(ShareTarget Target, Guid? UserId, int? GroupId, int? DepartmentId, ShareAccess Access)
{
    /// <summary>The user's, group's, department's or role's name, for the explainer.</summary>
    public string? TargetName { get; init; }

    public int? RoleId { get; init; }

    /// <summary>A role share that also reaches the roles below the role.</summary>
    public bool WithSubordinates { get; init; }

    public static RecordShare WithUser(Guid userId, ShareAccess access) => new(ShareTarget.User, userId, null, null, access);

    public static RecordShare WithGroup(int groupId, ShareAccess access) => new(ShareTarget.Group, null, groupId, null, access);

    public static RecordShare WithDepartment(int departmentId, ShareAccess access) => new(ShareTarget.Department, null, null, departmentId, access);

    public static RecordShare WithRole(int roleId, bool subordinates, ShareAccess access) =>
        new(ShareTarget.Role, null, null, null, access) { RoleId = roleId, WithSubordinates = subordinates };

    public bool Reaches(PermissionSubject subject) => Target switch
    {
        ShareTarget.User => UserId == subject.UserId,
        ShareTarget.Group => GroupId is { } group && subject.GroupIds.Contains(group),
        ShareTarget.Department => DepartmentId is { } department && subject.DepartmentIds.Contains(department),
        ShareTarget.Role => RoleId is { } role && (subject.RoleId == role || (WithSubordinates && subject.RolesAbove.Contains(role))),
        _ => false,
    };

    /// <summary>An edit share implies view: editing what one cannot see makes no sense.</summary>
    public bool Grants(string action) =>
        action == PermissionAction.View || (action == PermissionAction.Edit && Access == ShareAccess.Edit);
}

/// <summary>
/// What the engine needs to know about the caller, loaded once per request from the organisation
/// tables. The engine trusts these facts: the loader expands departments and subordinates and
/// passes only the grants of the caller's own role and groups.
/// </summary>
public sealed record PermissionSubject(Guid UserId, string DisplayName)
{
    public bool IsAdministrator { get; init; }

    public string RoleName { get; init; } = "";

    /// <summary>The caller's departments and all their sub-departments.</summary>
    public IReadOnlyCollection<int> DepartmentIds { get; init; } = [];

    /// <summary>Users whose role is below the caller's role in the hierarchy (at any depth).</summary>
    public IReadOnlyCollection<Guid> SubordinateUserIds { get; init; } = [];

    public IReadOnlyCollection<int> GroupIds { get; init; } = [];

    public int? RoleId { get; init; }

    /// <summary>The roles above the caller's role in the hierarchy (at any depth): a role share "with subordinates" from one of them reaches the caller.</summary>
    public IReadOnlyCollection<int> RolesAbove { get; init; } = [];

    /// <summary>The sharing rules that reach the caller, with the owners whose records each opens.</summary>
    public IReadOnlyList<RuleShare> RuleShares { get; init; } = [];

    /// <summary>The grants of the caller's role: its own and those of the profiles it is built on (each with <see cref="Grant.Profile"/>).</summary>
    public IReadOnlyList<Grant> RoleGrants { get; init; } = [];

    public IReadOnlyList<GroupGrant> GroupGrants { get; init; } = [];

    /// <summary>Per-user grants; one for a (module, action) replaces the role and group grants for it, even if narrower.</summary>
    public IReadOnlyList<Grant> Overrides { get; init; } = [];

    /// <summary>The field rules of the caller's role: its own and those of its profiles.</summary>
    public IReadOnlyList<FieldRule> FieldRules { get; init; } = [];

    /// <summary>Set when the caller is an API token limited to some modules and actions: every decision is narrowed to them.</summary>
    public TokenScopes? TokenScopes { get; init; }

    /// <summary>The token's name, for the explainer's sentences.</summary>
    public string? TokenName { get; init; }

    /// <summary>Per module; a module not listed is private.</summary>
    public IReadOnlyDictionary<string, OrganisationDefault> OrganisationDefaults { get; init; } = new Dictionary<string, OrganisationDefault>();
}

/// <summary>
/// A sharing rule as it applies to one subject: the records of <paramref name="Module"/> owned by
/// <paramref name="OwnerIds"/> (the members of the rule's source, resolved when the subject is
/// loaded) are open to the subject for <paramref name="Access"/>. Nothing is stored per record.
/// </summary>
public sealed record RuleShare(string Module, string Description, ShareAccess Access, IReadOnlyCollection<Guid> OwnerIds)
{
    public bool Grants(string action) =>
        action == PermissionAction.View || (action == PermissionAction.Edit && Access == ShareAccess.Edit);
}

/// <summary>The facts about one record that decisions on it depend on.</summary>
public sealed record RecordFacts(string Module, int RecordId, Guid OwnerId, int DepartmentId)
{
    public string? OwnerName { get; init; }

    public string? DepartmentName { get; init; }

    /// <summary>Named relations to users (author, recipient, participant), read by the module's dynamic rules.</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<Guid>> Relations { get; init; } = new Dictionary<string, IReadOnlyCollection<Guid>>();

    /// <summary>The record's state as the dynamic rules see it, e.g. a memo's "stage".</summary>
    public IReadOnlyDictionary<string, string> State { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<RecordShare> Shares { get; init; } = [];

    public bool Relates(string relation, Guid userId) =>
        relation == RecordRelation.Owner
            ? OwnerId == userId
            : Relations.TryGetValue(relation, out var users) && users.Contains(userId);
}
