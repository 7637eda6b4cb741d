using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Features.Account;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using GroupGrantRow = Crm.Web.Features.Groups.GroupGrant;

namespace Crm.Tests.Profiles;

/// <summary>
/// Issue 29's "Done when" for profiles: an organisation that used the CRM before profiles is
/// rebuilt on them by the migration without a change to anyone's effective rights. "Before" is
/// read honestly: the database is migrated only to the migration before profiles, seeded through
/// the old tables (the default roles with the grants they had before profiles, a custom role with
/// field rules, group grants, individual overrides, organisation defaults), and every user's
/// effective permission set (each module × action → allowed and scope, each sensitive field →
/// hidden, read-only or editable) is computed by the engine from subjects built from those old
/// tables alone. Then the migration runs and the same set is computed through the real loader.
/// </summary>
public sealed class ProfileMigrationTests
{
    private const string ProfilesMigration = "20261211090000_PermissionProfiles";

    private static readonly PermissionEngine s_engine = new(new PermissionCatalog(CrmModules.All));

    /// <summary>The default roles' grants as a new installation wrote them before profiles (read from such an installation's database).</summary>
    public static IReadOnlyList<(string Role, string Module, string Action, Scope Scope)> DefaultRoleGrantsBeforeProfiles { get; } =
        [.. File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "tests", "Crm.Tests", "Profiles", "default-role-grants-before-profiles.txt"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('|'))
            .Select(p => (p[0], p[1], p[2], Enum.Parse<Scope>(p[3])))];

    [Fact]
    public async Task The_upgrade_builds_roles_on_profiles_and_leaves_every_user_s_effective_rights_as_they_were()
    {
        using var database = TestDatabase.Empty();
        await using var db = DatabaseSchema.Open(database.ConnectionString);
        var migrations = db.Database.GetMigrations().ToList();
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[migrations.IndexOf(ProfilesMigration) - 1]);

        var users = await SeedOldOrganisationAsync(db);
        var before = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (name, id) in users)
        {
            before[name] = Effective(await OldSubjectAsync(db, id));
        }

        await migrator.MigrateAsync();
        db.ChangeTracker.Clear();

        var loader = new PermissionSubjects(db, new PermissionSubjectCache(), new RequestPermissionStamp());
        foreach (var (name, id) in users)
        {
            var after = Effective((await loader.LoadAsync(id, CancellationToken.None))!);
            // Line by line, so a failure names the user and the right that changed.
            Assert.Equal(before[name], after);
        }

        // The rebuild did happen: every role but the Administrator that granted anything is now built on
        // a profile of its name and keeps nothing of its own; the Administrator keeps its own grants.
        var (roleRows, own, ownFields, used, profiles) = (await db.Roles.AsNoTracking().ToListAsync(), await db.RoleGrants.AsNoTracking().ToListAsync(),
            await db.RoleFieldRules.AsNoTracking().ToListAsync(), await db.RoleProfiles.AsNoTracking().ToListAsync(), await db.Profiles.AsNoTracking().ToListAsync());
        var roles = roleRows.Select(r => new
        {
            r.Id, r.Name,
            Own = own.Count(g => g.RoleId == r.Id) + ownFields.Count(f => f.RoleId == r.Id),
            Profiles = used.Where(rp => rp.RoleId == r.Id).Select(rp => profiles.Single(p => p.Id == rp.ProfileId).Name).ToList(),
        }).ToList();
        Assert.All(roles.Where(r => r.Id != DefaultRoles.AdministratorRoleId), r =>
        {
            Assert.Equal(0, r.Own);
            Assert.Equal(r.Name == "Empty (custom)" ? [] : [r.Name], r.Profiles);
        });
        Assert.Empty(roles.Single(r => r.Id == DefaultRoles.AdministratorRoleId).Profiles);
        Assert.True(roles.Single(r => r.Id == DefaultRoles.AdministratorRoleId).Own > 0);
        Assert.Equal(2, await db.ProfileFieldRules.CountAsync());
    }

    /// <summary>
    /// An organisation as it was before profiles: the default roles with their grants then, a
    /// custom role with field rules, a user in each, a group with grants, overrides, defaults.
    /// Written through the old tables only.
    /// </summary>
    private static async Task<Dictionary<string, Guid>> SeedOldOrganisationAsync(CrmDb db)
    {
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var name in DefaultRoleGrantsBeforeProfiles.Select(g => g.Role).Distinct())
        {
            var role = name == "Administrator" ? await db.Roles.SingleAsync(r => r.Id == DefaultRoles.AdministratorRoleId) : new Role { Name = name };
            role.Grants.AddRange(DefaultRoleGrantsBeforeProfiles.Where(g => g.Role == name)
                .Select(g => new RoleGrant { Module = g.Module, Action = g.Action, Scope = g.Scope }));
            if (role.Id == 0)
            {
                db.Roles.Add(role);
            }

            roles[name] = role;
        }

        var custom = new Role
        {
            Name = "Field sales (custom)",
            Grants =
            [
                new RoleGrant { Module = "deals", Action = "view", Scope = Scope.Department },
                new RoleGrant { Module = "deals", Action = "edit", Scope = Scope.Own },
                new RoleGrant { Module = "companies", Action = "view", Scope = Scope.Subordinates },
                new RoleGrant { Module = "contacts", Action = "export", Scope = Scope.None },
            ],
        };
        var sensitive = CrmModules.All.First(m => m.SensitiveFields.Count > 0);
        custom.FieldRules.Add(new RoleFieldRule { Module = sensitive.Key, Field = sensitive.SensitiveFields[0], Access = FieldAccess.Hidden });
        roles["Sales manager"].FieldRules.Add(new RoleFieldRule { Module = sensitive.Key, Field = sensitive.SensitiveFields[0], Access = FieldAccess.ReadOnly });
        db.Roles.Add(custom);
        roles[custom.Name] = custom;
        db.Roles.Add(new Role { Name = "Empty (custom)" });
        await db.SaveChangesAsync();

        var users = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var (name, role) in roles)
        {
            var user = new CrmUser
            {
                Id = Guid.CreateVersion7(), FullName = $"Holder of {name}", Email = $"{users.Count}@example.com", UserName = $"{users.Count}@example.com",
                RoleId = role.Id, IsActive = true, SecurityStamp = Guid.NewGuid().ToString(),
            };
            db.Users.Add(user);
            users[name] = user.Id;
        }

        var emptyRole = await db.Roles.Where(r => r.Name == "Empty (custom)").Select(r => r.Id).SingleAsync();
        var agentInGroup = new CrmUser { Id = Guid.CreateVersion7(), FullName = "Agent in a group", Email = "group@example.com", UserName = "group@example.com", RoleId = roles["Sales agent"].Id, IsActive = true };
        var overridden = new CrmUser { Id = Guid.CreateVersion7(), FullName = "Agent with overrides", Email = "over@example.com", UserName = "over@example.com", RoleId = roles["Sales agent"].Id, IsActive = true };
        var nobody = new CrmUser { Id = Guid.CreateVersion7(), FullName = "Holder of an empty role", Email = "empty@example.com", UserName = "empty@example.com", RoleId = emptyRole, IsActive = true };
        db.Users.AddRange(agentInGroup, overridden, nobody);
        users["Agent in a group"] = agentInGroup.Id;
        users["Agent with overrides"] = overridden.Id;
        users["Holder of an empty role"] = nobody.Id;

        var group = new Group
        {
            Name = "Key accounts",
            Grants =
            [
                new GroupGrantRow { Module = "deals", Action = "edit", Scope = Scope.Department },
                new GroupGrantRow { Module = "leads", Action = "view", Scope = Scope.Own },
                new GroupGrantRow { Module = "products", Action = "edit", Scope = Scope.All },
            ],
        };
        db.Groups.Add(group);
        await db.SaveChangesAsync();
        db.GroupMembers.AddRange(
            new GroupMember { GroupId = group.Id, UserId = agentInGroup.Id },
            new GroupMember { GroupId = group.Id, UserId = users["Field sales (custom)"] },
            new GroupMember { GroupId = group.Id, UserId = nobody.Id });
        // Overrides win even when narrower: one narrows a role grant, one widens, one adds.
        db.PermissionOverrides.AddRange(
            new PermissionOverride { UserId = overridden.Id, Module = "deals", Action = "view", Scope = Scope.None },
            new PermissionOverride { UserId = overridden.Id, Module = "leads", Action = "edit", Scope = Scope.Department },
            new PermissionOverride { UserId = overridden.Id, Module = "contacts", Action = "delete", Scope = Scope.Own },
            new PermissionOverride { UserId = users["Executive"], Module = "companies", Action = "export", Scope = Scope.Own });
        db.ModuleDefaults.Add(new ModuleDefault { Module = "products", Access = OrganisationDefault.PublicRead });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return users;
    }

    /// <summary>The subject as the loader built it before profiles: the role's own grants and field rules, the groups' grants, the overrides, the defaults.</summary>
    private static async Task<PermissionSubject> OldSubjectAsync(CrmDb db, Guid userId)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        var groups = await db.GroupMembers.Where(m => m.UserId == userId).Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => g).ToListAsync();
        var groupIds = groups.Select(g => g.Id).ToList();
        return new PermissionSubject(user.Id, user.FullName)
        {
            IsAdministrator = user.IsAdministrator,
            RoleId = user.RoleId,
            RoleName = await db.Roles.Where(r => r.Id == user.RoleId).Select(r => r.Name).SingleAsync(),
            GroupIds = groupIds,
            RoleGrants = await db.RoleGrants.Where(g => g.RoleId == user.RoleId).Select(g => new Grant(g.Module, g.Action, g.Scope)).ToListAsync(),
            GroupGrants = (await db.GroupGrants.Where(g => groupIds.Contains(g.GroupId)).ToListAsync())
                .Select(g => new Crm.Web.Security.Permissions.GroupGrant(groups.Single(x => x.Id == g.GroupId).Name, g.Module, g.Action, g.Scope)).ToList(),
            Overrides = await db.PermissionOverrides.Where(o => o.UserId == userId).Select(o => new Grant(o.Module, o.Action, o.Scope)).ToListAsync(),
            FieldRules = await db.RoleFieldRules.Where(r => r.RoleId == user.RoleId).Select(r => new FieldRule(r.Module, r.Field, r.Access)).ToListAsync(),
            OrganisationDefaults = await db.ModuleDefaults.ToDictionaryAsync(d => d.Module, d => d.Access),
        };
    }

    /// <summary>Every right the engine gives the subject, one line each, in a fixed order.</summary>
    public static IReadOnlyList<string> Effective(PermissionSubject subject)
    {
        var lines = new List<string>();
        foreach (var module in s_engine.Catalog.Modules.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            foreach (var action in module.Actions.Order(StringComparer.Ordinal))
            {
                var decision = s_engine.Decide(subject, module.Key, action);
                lines.Add($"{subject.DisplayName}: {module.Key} {action} {(decision.Allowed ? decision.Scope.ToString() : "refused")}");
            }

            var fields = s_engine.Fields(subject, module.Key);
            foreach (var field in module.SensitiveFields.Order(StringComparer.Ordinal))
            {
                lines.Add($"{subject.DisplayName}: {module.Key}.{field} {(!fields.CanSee(field) ? "hidden" : fields.CanEdit(field) ? "editable" : "read-only")}");
            }
        }

        return lines;
    }
}
