using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Companies;

/// <summary>One transfer service behind the API, the list's mass action, an owner edit and user deletion.</summary>
public sealed class TransferTests
{
    private sealed record Org(CrmApp App, int Sales, int Support, Guid Manager, Guid Manager2, Guid Agent, Guid Operator, Guid Inactive, Guid Exec, Guid Viewer);

    private static async Task<Org> OrgAsync(CrmApp app)
    {
        var sales = await DepartmentAsync(app, "Sales");
        var support = await DepartmentAsync(app, "Support");
        var execRole = await RoleAsync(app, "Chief", null, AssignRecordsTo.AnyUser, Everything(Scope.All));
        var managerRole = await RoleAsync(app, "Boss of sales", null, AssignRecordsTo.SameRoleOrBelow, Everything(Scope.All));
        var agentRole = await RoleAsync(app, "Seller", managerRole, AssignRecordsTo.SameRoleOrBelow, Everything(Scope.Own));
        var operatorRole = await RoleAsync(app, "Op", managerRole, AssignRecordsTo.SubordinatesOnly, Everything(Scope.All));
        var viewerRole = await RoleAsync(app, "Looker", null, AssignRecordsTo.AnyUser, (CrmModules.Companies.Key, PermissionAction.View, Scope.All));
        var inactive = await UserAsync(app, "gone@crm.test", agentRole, sales);
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == inactive.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        return new Org(app, sales, support,
            (await UserAsync(app, "manager@crm.test", managerRole, sales)).Id,
            (await UserAsync(app, "manager2@crm.test", managerRole, support)).Id,
            (await UserAsync(app, "agent@crm.test", agentRole, support)).Id,
            (await UserAsync(app, "operator@crm.test", operatorRole, sales)).Id,
            inactive.Id,
            (await UserAsync(app, "exec@crm.test", execRole, sales)).Id,
            (await UserAsync(app, "viewer@crm.test", viewerRole, sales)).Id);
    }

    private static Task<List<(Guid Owner, int? Department)>> OwnersAsync(CrmApp app, params int[] companies) =>
        app.InDatabaseAsync(async db => (await db.Companies.Where(c => companies.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.OwnerId, c.DepartmentId }).ToListAsync()).Select(c => (c.OwnerId, c.DepartmentId)).ToList());

    private static Task<List<(Guid Owner, int? Department)>> ContactOwnersAsync(CrmApp app, params int[] contacts) =>
        app.InDatabaseAsync(async db => (await db.Contacts.Where(c => contacts.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.OwnerId, c.DepartmentId }).ToListAsync()).Select(c => (c.OwnerId, c.DepartmentId)).ToList());

    [Fact]
    public async Task Transferring_moves_the_contacts_too_and_stamps_the_new_owners_department()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var a = await CompanyAsync(app, "A", org.Manager, org.Sales);
        var b = await CompanyAsync(app, "B", org.Manager, org.Sales);
        var c = await CompanyAsync(app, "C", org.Manager, org.Sales);
        var a1 = await ContactAsync(app, "Ann", "A", a, org.Manager, org.Sales);
        var a2 = await ContactAsync(app, "Abe", "A", a, org.Manager2, org.Support);
        var b1 = await ContactAsync(app, "Bea", "B", b, org.Manager, org.Sales);
        var c1 = await ContactAsync(app, "Cal", "C", c, org.Manager, org.Sales);

        var manager = await app.SignInAsync("manager@crm.test", Password);
        var response = await manager.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{a}},{{b}},{{a}}],"newOwnerId":"{{org.Agent}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await response.ReadJsonAsync();
        Assert.Equal(2, done.GetProperty("companies").GetInt32());
        Assert.Equal(3, done.GetProperty("contacts").GetInt32());

        Assert.Equal([(org.Agent, org.Support), (org.Agent, org.Support), (org.Manager, org.Sales)], await OwnersAsync(app, a, b, c));
        Assert.Equal([(org.Agent, org.Support), (org.Agent, org.Support), (org.Agent, org.Support), (org.Manager, org.Sales)],
            await ContactOwnersAsync(app, a1, a2, b1, c1));
        var log = await app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == TransferCompanies.ActivityKind).Select(e => e.Summary).SingleAsync());
        Assert.Contains("3 contacts", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_receiver_must_be_active_and_allowed_by_the_role_rule()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var a = await CompanyAsync(app, "A", org.Manager, org.Sales);
        var other = await CompanyAsync(app, "Other", org.Manager2, org.Support);

        var manager = await app.SignInAsync("manager@crm.test", Password);
        async Task<HttpResponseMessage> Transfer(PageClient client, int company, Guid to) =>
            await client.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{company}}],"newOwnerId":"{{to}}"}""");

        var inactive = await Transfer(manager, a, org.Inactive);
        Assert.Equal(HttpStatusCode.BadRequest, inactive.StatusCode);
        Assert.Contains("deactivated", (await inactive.FieldErrorsAsync("newOwnerId")).Single(), StringComparison.Ordinal);
        var above = await Transfer(manager, a, org.Exec);
        Assert.Equal(HttpStatusCode.BadRequest, above.StatusCode);
        Assert.Contains("same role or a role below", (await above.FieldErrorsAsync("newOwnerId")).Single(), StringComparison.Ordinal);
        Assert.Equal([(org.Manager, org.Sales)], await OwnersAsync(app, a));

        // Same role or below: a peer with the same role is fine.
        Assert.Equal(HttpStatusCode.OK, (await Transfer(manager, a, org.Manager2)).StatusCode);

        // Subordinates only: the operator's role has nobody below it, so a peer's role above is refused.
        var operatorClient = await app.SignInAsync("operator@crm.test", Password);
        var up = await Transfer(operatorClient, a, org.Manager);
        Assert.Contains("a role below", (await up.FieldErrorsAsync("newOwnerId")).Single(), StringComparison.Ordinal);

        // No transfer permission: forbidden; a company outside the scope: unknown.
        var viewer = await app.SignInAsync("viewer@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await Transfer(viewer, a, org.Viewer)).StatusCode);
        var agent = await app.SignInAsync("agent@crm.test", Password);
        var hidden = await Transfer(agent, other, org.Agent);
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        Assert.Contains($"ID {other}", (await hidden.FieldErrorsAsync("companyIds")).Single(), StringComparison.Ordinal);
        Assert.Equal([(org.Manager2, org.Support), (org.Manager2, org.Support)], await OwnersAsync(app, a, other));
    }

    [Fact]
    public async Task The_mass_action_and_an_owner_edit_go_through_the_same_transfer()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var a = await CompanyAsync(app, "A", org.Manager, org.Sales);
        var b = await CompanyAsync(app, "B", org.Manager, org.Sales);
        var a1 = await ContactAsync(app, "Ann", "A", a, org.Manager, org.Sales);
        var b1 = await ContactAsync(app, "Bea", "B", b, org.Manager, org.Sales);

        var manager = await app.SignInAsync("manager@crm.test", Password);
        var (_, list) = await manager.GetPageAsync("/companies");
        Assert.NotNull(list.QuerySelector($"input[name=Selected][value='{a}']"));
        var moved = await manager.SubmitAsync(list, new() { ["Selected"] = a.ToString(System.Globalization.CultureInfo.InvariantCulture), ["NewOwnerId"] = org.Agent.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var (_, after) = await manager.FollowAsync(moved);
        Assert.Contains("1 company and 1 contact transferred", after.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal([(org.Agent, org.Support), (org.Manager, org.Sales)], await OwnersAsync(app, a, b));
        Assert.Equal([(org.Agent, org.Support), (org.Manager, org.Sales)], await ContactOwnersAsync(app, a1, b1));

        var refused = await manager.SubmitAsync("/companies", new() { ["Selected"] = b.ToString(System.Globalization.CultureInfo.InvariantCulture), ["NewOwnerId"] = org.Exec.ToString() });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("same role or a role below", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var edit = await manager.PatchJsonAsync($"/api/v1/companies/{b}", $$"""{"ownerId":"{{org.Manager2}}","version":1}""");
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal([(org.Manager2, org.Support)], await OwnersAsync(app, b));
        Assert.Equal([(org.Manager2, org.Support)], await ContactOwnersAsync(app, b1));
    }

    [Fact]
    public async Task Deleting_a_user_hands_their_companies_and_contacts_over_through_the_transfer()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var a = await CompanyAsync(app, "A", org.Agent, org.Support);
        var a1 = await ContactAsync(app, "Ann", "A", a, org.Agent, org.Support);
        var aOther = await ContactAsync(app, "Abe", "A", a, org.Manager2, org.Support);
        var loose = await ContactAsync(app, "Lou", "Loose", null, org.Agent, org.Support);
        var untouched = await ContactAsync(app, "Una", "Touched", null, org.Manager2, org.Support);

        var admin = await app.SignInAsAdminAsync();
        var impact = await admin.Http.GetAsync($"/admin/users/{org.Agent}/delete");
        var text = await impact.Content.ReadAsStringAsync();
        Assert.Contains("companies", text, StringComparison.Ordinal);
        Assert.Contains("contacts", text, StringComparison.Ordinal);
        var deleted = await admin.Http.DeleteAsync($"/api/v1/users/{org.Agent}?reassignTo={org.Manager}");
        Assert.True(deleted.IsSuccessStatusCode, $"{(int)deleted.StatusCode}: {await deleted.Content.ReadAsStringAsync()}");

        Assert.Equal([(org.Manager, org.Sales)], await OwnersAsync(app, a));
        Assert.Equal([(org.Manager, org.Sales), (org.Manager, org.Sales), (org.Manager, org.Sales), (org.Manager2, org.Support)],
            await ContactOwnersAsync(app, a1, aOther, loose, untouched));
        // The activity entry counts what the user owned before anything moved: both their contacts,
        // also Ann, whom the company took along before the contacts' own turn came.
        var summary = await app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == ActivityKinds.UserDeleted).Select(e => e.Summary).SingleAsync());
        Assert.Contains("records moved to", summary, StringComparison.Ordinal);
        Assert.Contains("1 companies, 2 contacts;", summary, StringComparison.Ordinal);
    }
}
