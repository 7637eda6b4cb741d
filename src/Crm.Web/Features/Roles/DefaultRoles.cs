using Crm.Web.Data;
using Crm.Web.Features.Profiles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Roles;

/// <summary>
/// The roles a new organisation starts with, after the seeds' recommended standard roles (least
/// privilege: each gets only what the job needs), each built on a shipped profile of the same
/// rights (Sales agent, AR accountant, HR administrator…; ADR 0043). They are ordinary roles and
/// profiles: rename, change or delete them. Seeded once, on a database that has only the built-in
/// Administrator role, which keeps its own grants.
/// </summary>
public static class DefaultRoles
{
    /// <summary>The built-in role created by the first migration; the first administrator holds it.</summary>
    public const int AdministratorRoleId = 1;

    private const string View = PermissionAction.View, Create = PermissionAction.Create, Edit = PermissionAction.Edit,
        Delete = PermissionAction.Delete, Export = PermissionAction.Export, Transfer = PermissionAction.Transfer;

    /// <summary>A default role, built on the shipped profile named <see cref="Profile"/> (which holds <paramref name="Grants"/>), with no grants of its own.</summary>
    private sealed record Template(string Name, string Description, string? ReportsTo, AssignRecordsTo AssignTo, (string Module, string Action, Scope Scope)[] Grants)
    {
        public string Profile { get; init; } = Name;

        public string ProfileDescription { get; init; } = Description;
    }

    private static (string, string, Scope)[] On(string module, Scope scope, params string[] actions) =>
        actions.Select(a => (module, a, scope)).ToArray();

    private static readonly Template[] s_templates =
    [
        new("Executive", "Management: sees all CRM data and may export it; changes nothing.", null, AssignRecordsTo.AnyUser,
            [.. CrmModules.All.SelectMany(m => On(m.Key, Scope.All, View, Export))]),
        new("Sales manager", "Leads the sales team: works on the department's customers and deals, transfers companies.", "Executive", AssignRecordsTo.SameRoleOrBelow,
            [
                .. new[] { "companies", "contacts", "leads", "deals", "tasks", "memos", "emails", "files" }.SelectMany(m => On(m, Scope.Department, View, Edit, Export)),
                .. new[] { "companies", "contacts", "leads", "deals", "tasks", "memos", "emails", "files" }.SelectMany(m => On(m, Scope.Own, Create, Delete)),
                .. On("companies", Scope.Department, Transfer),
                .. On("products", Scope.All, View),
                .. On("memos", Scope.Department, PermissionAction.Review),
            ]),
        new("Sales agent", "Works their own leads and deals; sees and adds customers.", "Sales manager", AssignRecordsTo.SameRoleOrBelow,
            [
                .. On("leads", Scope.Own, View, Create, Edit),
                .. On("companies", Scope.All, View), .. On("companies", Scope.Own, Create),
                .. On("contacts", Scope.All, View), .. On("contacts", Scope.Own, Create),
                .. On("deals", Scope.Own, View, Create, Edit),
                .. On("tasks", Scope.Own, View, Create, Edit),
                .. On("memos", Scope.Own, View, Create, Edit),
                .. On("emails", Scope.Own, View, Create),
                .. On("files", Scope.Own, View, Create),
                .. On("products", Scope.All, View),
            ]) { ProfileDescription = "After the standard Sales agent role: own leads and deals, sees and adds customers, no settings." },
        new("Operator", "Takes in requests and leads for the department and passes them on.", "Sales manager", AssignRecordsTo.SubordinatesOnly,
            [
                .. On("leads", Scope.Department, View, Create, Edit),
                .. On("companies", Scope.Department, View), .. On("companies", Scope.Own, Create),
                .. On("contacts", Scope.Department, View), .. On("contacts", Scope.Own, Create),
                .. On("tasks", Scope.Own, View, Create, Edit),
                .. On("emails", Scope.Own, View, Create),
            ]),
        new("Accountant", "Sees customers and deals to invoice them; edits nothing in sales.", "Executive", AssignRecordsTo.SameRoleOrBelow,
            [
                .. On("companies", Scope.All, View), .. On("contacts", Scope.All, View),
                .. On("deals", Scope.All, View), .. On("products", Scope.All, View),
                .. On("tasks", Scope.Own, View, Create, Edit), .. On("memos", Scope.Own, View, Create, Edit),
            ]) { Profile = "AR accountant", ProfileDescription = "After the standard AR Accountant role where the CRM has its modules: sees customers, deals and products to invoice them; no settings." },
        new("HR", "People matters: own tasks and office memos; user accounts stay with administrators.", "Executive", AssignRecordsTo.SameRoleOrBelow,
            [.. On("tasks", Scope.Own, View, Create, Edit), .. On("memos", Scope.Own, View, Create, Edit)])
        {
            Profile = "HR administrator",
            ProfileDescription = "After the standard HR Administrator role where the CRM has its modules (staff records stay with administrators): own tasks and office memos; no settings.",
        },
    ];

    public static async Task EnsureAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (await db.Roles.AnyAsync(r => r.Id != AdministratorRoleId, cancellationToken))
        {
            return;
        }

        var administrator = await db.Roles.Include(r => r.Grants).SingleAsync(r => r.Id == AdministratorRoleId, cancellationToken);
        administrator.Description ??= "Runs the CRM. Holders with the administrator flag are not permission-checked; without it, the role gives full access to CRM data.";
        if (administrator.Grants.Count == 0)
        {
            administrator.Grants.AddRange(CrmModules.All.SelectMany(m => m.Actions.Select(a => new RoleGrant { Module = m.Key, Action = a, Scope = Scope.All })));
        }

        var created = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var template in s_templates)
        {
            var role = new Role
            {
                Name = template.Name,
                Description = template.Description,
                Parent = template.ReportsTo is null ? null : created[template.ReportsTo],
                AssignRecordsTo = template.AssignTo,
            };
            var profile = new Profile
            {
                Name = template.Profile,
                Description = template.ProfileDescription,
                Grants = template.Grants.Select(g => new ProfileGrant { Module = g.Module, Action = g.Action, Scope = g.Scope }).ToList(),
            };
            created[template.Name] = role;
            db.Roles.Add(role);
            db.Profiles.Add(profile);
            db.RoleProfiles.Add(new RoleProfile { Role = role, Profile = profile });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
