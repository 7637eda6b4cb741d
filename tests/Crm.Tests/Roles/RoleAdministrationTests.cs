using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Roles;

public sealed class RoleAdministrationTests
{
    [Fact]
    public async Task A_fresh_organisation_has_the_recommended_roles_with_least_privilege()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var (_, page) = await admin.GetPageAsync("/admin/roles");
        var names = page.QuerySelectorAll(".list-group-item a").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(["Administrator", "Executive", "Accountant", "HR", "Sales manager", "Operator", "Sales agent"], names);

        var agent = await app.InDatabaseAsync(db => db.Roles.Include(r => r.Parent).SingleAsync(r => r.Name == "Sales agent"));
        Assert.Equal("Sales manager", agent.Parent!.Name);
        // Its grants are those of the shipped "Sales agent" profile it is built on (ADR 0043).
        var grants = await app.InDatabaseAsync(db => db.RoleProfiles.Where(rp => rp.RoleId == agent.Id)
            .Join(db.ProfileGrants, rp => rp.ProfileId, g => g.ProfileId, (rp, g) => g).ToListAsync());
        Assert.Contains(grants, g => g is { Module: "leads", Action: "view", Scope: Scope.Own });
        Assert.Contains(grants, g => g is { Module: "companies", Action: "view", Scope: Scope.All });
        Assert.DoesNotContain(grants, g => g.Action == "export");
        Assert.DoesNotContain(grants, g => g.Action == "delete");
    }

    [Fact]
    public async Task A_new_role_grants_nothing_until_its_matrix_is_saved()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var created = await admin.SubmitAsync("/admin/roles/new", new() { ["Input.Name"] = "Support", ["Input.AssignRecordsTo"] = "SameRoleOrBelow" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var roleId = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Support").Select(r => r.Id).SingleAsync());
        Assert.Equal(0, await app.InDatabaseAsync(db => db.RoleGrants.CountAsync(g => g.RoleId == roleId)));

        var (_, page) = await admin.GetPageAsync($"/admin/roles/{roleId}");
        Assert.All(page.QuerySelectorAll(".grant-matrix select"), s => Assert.Equal("None", s.QuerySelector("option[selected]")?.TextContent ?? "None"));
        var saved = await admin.SubmitAsync(page, new() { ["Grants[deals:view]"] = "Department", ["Grants[deals:edit]"] = "Own" }, "form[action$='handler=Grants']");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var grants = await app.InDatabaseAsync(db => db.RoleGrants.Where(g => g.RoleId == roleId).OrderBy(g => g.Action).ToListAsync());
        Assert.Equal([("edit", Scope.Own), ("view", Scope.Department)], grants.Select(g => (g.Action, g.Scope)));
        var log = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.PermissionChanged).Select(a => a.Summary).ToListAsync());
        Assert.Contains(log, l => l.Contains("deals view: None → Department", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cycles_duplicates_unknown_permissions_and_held_roles_are_refused_clearly()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var manager = await app.InDatabaseAsync(db => db.Roles.SingleAsync(r => r.Name == "Sales manager"));
        var agent = await app.InDatabaseAsync(db => db.Roles.SingleAsync(r => r.Name == "Sales agent"));

        var cycle = await admin.Http.PutAsJsonAsync($"/api/v1/roles/{manager.Id}", new { name = manager.Name, parentId = agent.Id, assignRecordsTo = "SameRoleOrBelow" });
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.Contains("cannot report to itself", await cycle.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var duplicate = await admin.Http.PostAsJsonAsync("/api/v1/roles", new { name = "sales AGENT", assignRecordsTo = "AnyUser" });
        Assert.Contains("already has this name", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknownParent = await admin.Http.PostAsJsonAsync("/api/v1/roles", new { name = "Orphan", parentId = 9999, assignRecordsTo = "AnyUser" });
        Assert.Contains("does not exist", await unknownParent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var bogus = await admin.Http.PutAsJsonAsync($"/api/v1/roles/{agent.Id}/grants", new[] { new { module = "spaceships", action = "fly", scope = "All" } });
        Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
        Assert.Contains("not a permission the CRM knows", await bogus.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Conflict, (await admin.Http.DeleteAsync($"/api/v1/roles/{DefaultRoles.AdministratorRoleId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Http.DeleteAsync($"/api/v1/roles/{manager.Id}")).StatusCode); // roles report to it
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/api/v1/roles/424242")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/roles/424242")).StatusCode);

        var unchanged = await app.InDatabaseAsync(db => db.Roles.SingleAsync(r => r.Id == manager.Id));
        Assert.Equal(manager.ParentId, unchanged.ParentId);
    }

    [Fact]
    public async Task Staff_cannot_manage_roles()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/roles")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/roles")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync("/api/v1/roles/2/grants", Array.Empty<object>())).StatusCode);
    }

    [Fact]
    public async Task A_users_permissions_come_fresh_from_the_database_on_every_request()
    {
        await using var app = new CrmApp();
        var (parentDepartment, childDepartment) = await app.InDatabaseAsync(async db =>
        {
            var parent = new Department { Name = "Sales", CreatedAt = app.Clock.GetUtcNow().UtcDateTime };
            var child = new Department { Name = "Sales North", Parent = parent, CreatedAt = app.Clock.GetUtcNow().UtcDateTime };
            db.Departments.AddRange(parent, child);
            await db.SaveChangesAsync();
            return (parent.Id, child.Id);
        });
        var managerRole = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales manager").Select(r => r.Id).SingleAsync());
        var agentRole = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent").Select(r => r.Id).SingleAsync());
        var manager = await app.CreateUserAsync("manager@crm.test", "a good long passphrase");
        var agent = await app.CreateUserAsync("agent@crm.test", "a good long passphrase");
        await app.InDatabaseAsync(async db =>
        {
            await db.Users.Where(u => u.Id == manager.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.RoleId, managerRole));
            await db.Users.Where(u => u.Id == agent.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.RoleId, agentRole));
            db.UserDepartments.Add(new UserDepartment { UserId = manager.Id, DepartmentId = parentDepartment, IsPrimary = true });
            return await db.SaveChangesAsync();
        });

        async Task<PermissionSubject> Load(Guid id)
        {
            using var scope = app.Services.CreateScope();
            return (await scope.ServiceProvider.GetRequiredService<PermissionSubjects>().LoadAsync(id, CancellationToken.None))!;
        }

        var subject = await Load(manager.Id);
        Assert.Equal("Sales manager", subject.RoleName);
        Assert.Equal(new HashSet<int> { parentDepartment, childDepartment }, subject.DepartmentIds.ToHashSet());
        Assert.Contains(agent.Id, subject.SubordinateUserIds);
        Assert.Contains(subject.RoleGrants, g => g is { Module: "companies", Action: "transfer", Scope: Scope.Department });

        // An administrator narrows the role through the API: the next load sees it. The default role is
        // built on its shipped profile (ADR 0043), so narrowing it is taking the profile off and giving it grants of its own.
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{managerRole}/profiles", Array.Empty<int>())).StatusCode);
        var grants = await admin.Http.PutAsJsonAsync($"/api/v1/roles/{managerRole}/grants", new[] { new { module = "deals", action = "view", scope = "Own" } });
        Assert.Equal(HttpStatusCode.NoContent, grants.StatusCode);
        subject = await Load(manager.Id);
        Assert.Equal([new Grant("deals", "view", Scope.Own)], subject.RoleGrants);

        using var scope = app.Services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<PermissionEngine>();
        Assert.False(engine.Decide(subject, "companies", "transfer").Allowed);
        Assert.Equal(Scope.Own, engine.Decide(subject, "deals", "view").Scope);
        var body = JsonDocument.Parse(await (await admin.Http.GetAsync($"/api/v1/roles/{managerRole}")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, body.GetProperty("grants").GetArrayLength());
        _ = Actor.System;
    }
}
