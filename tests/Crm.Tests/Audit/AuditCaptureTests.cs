using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.AuditKit;

namespace Crm.Tests.Audit;

/// <summary>Every mutating endpoint leaves its audit entries, with the right old and new values, in the same transaction.</summary>
public sealed class AuditCaptureTests
{
    private static async Task<List<AuditEntry>> AfterAsync(CrmApp app, Func<Task<HttpResponseMessage>> call, HttpStatusCode expected)
    {
        var mark = await MarkAsync(app);
        var response = await call();
        // Success codes vary by endpoint (200, 201, 204): any success counts when one is expected.
        var fits = (int)expected < 300 ? response.IsSuccessStatusCode : expected == response.StatusCode;
        Assert.True(fits, $"{expected} expected, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await SinceAsync(app, mark);
    }

    [Fact]
    public async Task Every_mutating_endpoint_writes_its_entries_with_old_and_new_values()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();

        // Departments.
        var entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/departments", """{"name":"Sales","email":"sales@crm.test"}"""), HttpStatusCode.Created);
        var created = One(entries, "department", AuditActions.Created);
        Assert.Equal("Sales", New(created, "name"));
        Assert.Equal("Sales", created.Label);
        Assert.Equal(AuditActorKinds.User, created.ActorKind);
        Assert.Equal(adminId, created.ActorUserId);
        Assert.NotNull(created.RequestId);
        Assert.NotNull(created.IpAddress);
        var sales = created.EntityId;
        entries = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/departments/{sales}", """{"name":"Sales Europe"}"""), HttpStatusCode.OK);
        var renamed = One(entries, "department", AuditActions.Updated, sales);
        Assert.Equal("Sales", Old(renamed, "name"));
        Assert.Equal("Sales Europe", New(renamed, "name"));
        Assert.False(Changes(renamed).ContainsKey("email"));

        // Roles and their grants and field rules.
        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/roles", """{"name":"Seller","assignRecordsTo":"AnyUser"}"""), HttpStatusCode.Created);
        var role = One(entries, "role", AuditActions.Created).EntityId;
        entries = await AfterAsync(app, () => admin.PutJsonAsync($"/api/v1/roles/{role}", """{"name":"Sales rep","assignRecordsTo":"SameRoleOrBelow"}"""), HttpStatusCode.OK);
        var roleChanged = One(entries, "role", AuditActions.Updated, role);
        Assert.Equal("Seller", Old(roleChanged, "name"));
        Assert.Equal("SameRoleOrBelow", New(roleChanged, "assignRecordsTo"));
        entries = await AfterAsync(app, () => admin.PutJsonAsync($"/api/v1/roles/{role}/grants",
            """[{"module":"companies","action":"view","scope":"All"},{"module":"companies","action":"edit","scope":"All"},{"module":"contacts","action":"view","scope":"All"}]"""), HttpStatusCode.OK);
        Assert.Equal(3, entries.Count(e => e.EntityType == "role-grant" && e.Action == AuditActions.Created));
        entries = await AfterAsync(app, () => admin.PutJsonAsync($"/api/v1/roles/{role}/field-rules", """[{"module":"deals","field":"amount","access":"Hidden"}]"""), HttpStatusCode.OK);
        Assert.Equal("Hidden", New(One(entries, "role-field-rule", AuditActions.Created), "access"));

        // Groups.
        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/groups", """{"name":"Key accounts"}"""), HttpStatusCode.Created);
        var group = One(entries, "group", AuditActions.Created).EntityId;
        entries = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/groups/{group}", """{"description":"The big ones"}"""), HttpStatusCode.OK);
        Assert.Equal("The big ones", New(One(entries, "group", AuditActions.Updated, group), "description"));

        // Users: create, update (role, departments, groups), deactivate.
        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/users",
            $$"""{"email":"ana@crm.test","fullName":"Ana Pop","roleId":{{role}},"departmentIds":[{{sales}}],"isAdministrator":false}"""), HttpStatusCode.Created);
        var ana = One(entries, "user", AuditActions.Created);
        Assert.Equal("ana@crm.test", New(ana, "email"));
        Assert.DoesNotContain("AQAAAA", ana.Changes, StringComparison.Ordinal); // no password hash, ever
        Assert.Single(entries, e => e.EntityType == "user-department" && e.Action == AuditActions.Created);
        var anaId = Guid.Parse(ana.EntityId);
        entries = await AfterAsync(app, () => admin.PutJsonAsync($"/api/v1/users/{anaId}",
            $$"""{"email":"ana@crm.test","fullName":"Ana Popescu","roleId":{{role}},"departmentIds":[{{sales}}],"groupIds":[{{group}}],"isAdministrator":false,"timeZone":"Europe/Bucharest"}"""), HttpStatusCode.NoContent);
        var anaChanged = One(entries, "user", AuditActions.Updated, ana.EntityId);
        Assert.Equal("Ana Pop", Old(anaChanged, "fullName"));
        Assert.Equal("Ana Popescu", New(anaChanged, "fullName"));
        Assert.Equal("Europe/Bucharest", New(anaChanged, "timeZone"));
        Assert.Single(entries, e => e.EntityType == "group-member" && e.Action == AuditActions.Created);
        Assert.DoesNotContain(entries, e => e.EntityType == "user-department"); // unchanged membership: no entry

        // Access: organisation defaults and individual overrides.
        entries = await AfterAsync(app, () => admin.PutJsonAsync("/api/v1/access/defaults", """[{"module":"companies","access":"PublicRead"}]"""), HttpStatusCode.OK);
        Assert.Equal("PublicRead", New(One(entries, "module-default", AuditActions.Created), "access"));
        entries = await AfterAsync(app, () => admin.PutJsonAsync($"/api/v1/access/overrides/{anaId}", """[{"module":"companies","action":"delete","scope":"Own"}]"""), HttpStatusCode.OK);
        Assert.Equal("Own", New(One(entries, "permission-override", AuditActions.Created), "scope"));

        // API tokens: created and revoked; the secret's hash is never written.
        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/tokens", $$"""{"name":"ERP sync","userId":"{{adminId}}","expiresInDays":30,"acknowledgeFullAccess":true}"""), HttpStatusCode.Created);
        var token = One(entries, "api-token", AuditActions.Created);
        Assert.Equal(AuditNames.SecretHidden, New(token, "secretHash"));
        entries = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/tokens/{token.EntityId}"), HttpStatusCode.NoContent);
        Assert.Single(entries, e => e.EntityType == "api-token" && e.EntityId == token.EntityId);

        // Countries.
        var germany = await app.InDatabaseAsync(db => db.Countries.Where(c => c.Alpha2 == "DE").Select(c => c.Id).FirstAsync());
        entries = await AfterAsync(app, () => admin.PutJsonAsync($"/api/v1/countries/{germany}/alternative-names", """{"alternativeNames":["Deutschland"]}"""), HttpStatusCode.OK);
        Assert.Equal("Deutschland", New(One(entries, "country", AuditActions.Updated, germany.ToString(System.Globalization.CultureInfo.InvariantCulture)), "alternativeNames"));

        // Companies: create, edit, transfer, and contacts.
        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/companies", $$"""{"name":"Acme","phone":"+40 1","ownerId":"{{adminId}}"}"""), HttpStatusCode.Created);
        var acme = One(entries, CrmModules.Companies.Key, AuditActions.Created);
        Assert.Equal("Acme", acme.Label);
        Assert.Equal("+40 1", New(acme, "phone"));
        entries = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/companies/{acme.EntityId}", """{"phone":"+40 2","version":1}"""), HttpStatusCode.OK);
        var acmeChanged = One(entries, CrmModules.Companies.Key, AuditActions.Updated, acme.EntityId);
        Assert.Equal("+40 1", Old(acmeChanged, "phone"));
        Assert.Equal("+40 2", New(acmeChanged, "phone"));
        Assert.False(Changes(acmeChanged).ContainsKey("version")); // bookkeeping is not a change
        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/contacts", $$"""{"firstName":"Ion","lastName":"Ionescu","companyId":{{acme.EntityId}},"ownerId":"{{adminId}}"}"""), HttpStatusCode.Created);
        var ion = One(entries, CrmModules.Contacts.Key, AuditActions.Created);
        Assert.Equal("Ion Ionescu", ion.Label);
        entries = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/contacts/{ion.EntityId}", """{"title":"Buyer","version":1}"""), HttpStatusCode.OK);
        Assert.Equal("Buyer", New(One(entries, CrmModules.Contacts.Key, AuditActions.Updated, ion.EntityId), "title"));

        entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{acme.EntityId}}],"newOwnerId":"{{anaId}}"}"""), HttpStatusCode.OK);
        var moved = One(entries, CrmModules.Companies.Key, AuditActions.Transferred, acme.EntityId);
        Assert.Equal(adminId.ToString(), Old(moved, "ownerId"));
        Assert.Equal(anaId.ToString(), New(moved, "ownerId"));
        Assert.Equal(sales, New(moved, "departmentId"));
        var followed = One(entries, CrmModules.Contacts.Key, AuditActions.Transferred, ion.EntityId);
        Assert.Equal(anaId.ToString(), New(followed, "ownerId"));

        // Deleting a user hands their records to someone else: one transferred entry per record.
        entries = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/users/{anaId}?reassignTo={adminId}"), HttpStatusCode.NoContent);
        Assert.Equal(adminId.ToString(), New(One(entries, CrmModules.Companies.Key, AuditActions.Transferred, acme.EntityId), "ownerId"));
        Assert.Equal(anaId.ToString(), Old(One(entries, CrmModules.Contacts.Key, AuditActions.Transferred, ion.EntityId), "ownerId"));
        var anaDeleted = One(entries, "user", AuditActions.Deleted, ana.EntityId);
        Assert.Equal("Ana Popescu", anaDeleted.Label);
        Assert.Equal(AuditNames.SecretHidden, Old(anaDeleted, "securityStamp"));
        Assert.Single(entries, e => e.EntityType == "group-member" && e.Action == AuditActions.Deleted);

        // Deleting a company takes its contacts: each keeps its last full state.
        entries = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/companies/{acme.EntityId}"), HttpStatusCode.NoContent);
        var gone = One(entries, CrmModules.Companies.Key, AuditActions.Deleted, acme.EntityId);
        Assert.Equal("+40 2", Old(gone, "phone"));
        Assert.Equal(adminId.ToString(), Old(gone, "ownerId"));
        Assert.Equal("Buyer", Old(One(entries, CrmModules.Contacts.Key, AuditActions.Deleted, ion.EntityId), "title"));

        // And the remaining deletes.
        entries = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/groups/{group}"), HttpStatusCode.NoContent);
        Assert.Equal("Key accounts", Old(One(entries, "group", AuditActions.Deleted, group), "name"));
        entries = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/departments/{sales}"), HttpStatusCode.NoContent);
        Assert.Equal("Sales Europe", Old(One(entries, "department", AuditActions.Deleted, sales), "name"));
    }

    [Fact]
    public async Task A_failed_save_leaves_no_entry_and_a_refused_request_changes_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var entries = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/companies", $$"""{"name":"Acme","ownerId":"{{adminId}}"}"""), HttpStatusCode.Created);
        var acme = One(entries, CrmModules.Companies.Key, AuditActions.Created).EntityId;

        // A stale version is refused (409): no entry.
        entries = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/companies/{acme}", """{"phone":"1","version":7}"""), HttpStatusCode.Conflict);
        Assert.Empty(entries);
    }

    [Fact]
    public async Task Sessions_and_the_activity_log_are_not_audited_and_a_background_save_is_written_as_system()
    {
        await using var app = new CrmApp();
        var mark = await MarkAsync(app);
        await app.SignInAsAdminAsync();
        var entries = await SinceAsync(app, mark);
        Assert.DoesNotContain(entries, e => e.EntityType is "user-session" or "activity-entry");
        Assert.DoesNotContain(entries, e => e.EntityType == "user" && e.Changes.Contains("lastSignInAt", StringComparison.Ordinal));

        mark = await MarkAsync(app);
        await app.InDatabaseAsync(async db =>
        {
            db.Departments.Add(new Crm.Web.Features.Departments.Department { Name = "Night shift", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        var system = One(await SinceAsync(app, mark), "department", AuditActions.Created);
        Assert.Equal(AuditActorKinds.System, system.ActorKind);
        Assert.Null(system.ActorUserId);
    }
}
