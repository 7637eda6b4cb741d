using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Audit;

/// <summary>History for those who may view the record now; deleted objects and restore for administrators.</summary>
public sealed class HistoryAndRestoreTests
{
    private sealed record Org(CrmApp App, Guid Owner, Guid Outsider, int Sales);

    private static async Task<Org> OrgAsync(CrmApp app)
    {
        var sales = await DepartmentAsync(app, "Sales");
        var own = await RoleAsync(app, "Seller", null, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        var owner = await UserAsync(app, "owner@crm.test", own, sales);
        var outsider = await UserAsync(app, "outsider@crm.test", own, sales);
        return new Org(app, owner.Id, outsider.Id, sales);
    }

    [Fact]
    public async Task History_lists_changes_field_by_field_newest_first_with_paging_for_those_who_may_view_the_record()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var owner = await app.SignInAsync("owner@crm.test", Password);
        var created = await owner.PostJsonAsync("/api/v1/companies", $$"""{"name":"Acme","phone":"1","ownerId":"{{org.Owner}}"}""");
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        for (var version = 1; version <= 3; version++)
        {
            var saved = await owner.PatchJsonAsync($"/api/v1/companies/{id}", $$"""{"phone":"{{version + 1}}","version":{{version}}}""");
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var page = await (await owner.Http.GetAsync($"/api/v1/companies/{id}/history?pageSize=2")).ReadJsonAsync();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("updated", items[0].GetProperty("action").GetString());
        var change = items[0].GetProperty("changes").EnumerateArray().Single();
        Assert.Equal("phone", change.GetProperty("field").GetString());
        Assert.Equal("3", change.GetProperty("old").GetString());
        Assert.Equal("4", change.GetProperty("new").GetString());
        Assert.Equal("owner", items[0].GetProperty("actorName").GetString());
        var rest = await (await owner.Http.GetAsync($"/api/v1/companies/{id}/history?pageSize=2&cursor={page.GetProperty("nextCursor").GetString()}")).ReadJsonAsync();
        var older = rest.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["updated", "created"], older.Select(i => i.GetProperty("action").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        Assert.Equal(HttpStatusCode.BadRequest, (await owner.Http.GetAsync($"/api/v1/companies/{id}/history?cursor=abc")).StatusCode);

        var (response, document) = await owner.GetPageAsync($"/history/companies/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("History of Acme", document.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(4, document.QuerySelectorAll("#history > tbody > tr").Length);
        Assert.NotNull(document.QuerySelector($"a[href='/history/companies/{id}']") ?? (await owner.GetPageAsync($"/companies/{id}")).Document.QuerySelector($"a[href='/history/companies/{id}']"));

        // Outside the outsider's scope: 404 on page and API, like every path to the record; unknown modules too.
        var outsider = await app.SignInAsync("outsider@crm.test", Password);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/api/v1/companies/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetPageAsync($"/history/companies/{id}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/v1/nothing/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync("/api/v1/companies/999999/history")).StatusCode);

        // A page past the last entry carries no entry to bring the record's label along with it:
        // the record is then looked up on its own, so the reader still gets its name, the outsider still a 404.
        var past = await owner.Http.GetAsync($"/api/v1/companies/{id}/history?cursor=1");
        Assert.Equal(HttpStatusCode.OK, past.StatusCode);
        var empty = await past.ReadJsonAsync();
        Assert.Equal("Acme", empty.GetProperty("label").GetString());
        Assert.Empty(empty.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/api/v1/companies/{id}/history?cursor=1")).StatusCode);
    }

    [Fact]
    public async Task A_deleted_records_history_is_for_administrators_and_restore_checks_its_references()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var company = await CompanyAsync(app, "Acme", org.Owner, org.Sales);
        var contact = await ContactAsync(app, "Ion", "Ionescu", company, org.Owner, org.Sales);
        var owner = await app.SignInAsync("owner@crm.test", Password);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/v1/companies/{company}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"/api/v1/companies/{company}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.Http.GetAsync("/api/v1/audit/deleted")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.Http.GetAsync("/api/v1/audit")).StatusCode);

        var admin = await app.SignInAsAdminAsync();
        var history = await (await admin.Http.GetAsync($"/api/v1/companies/{company}/history")).ReadJsonAsync();
        Assert.True(history.GetProperty("deleted").GetBoolean());
        Assert.Equal("deleted", history.GetProperty("items")[0].GetProperty("action").GetString());

        var deleted = await (await admin.Http.GetAsync($"/api/v1/audit/deleted?search=ID%20{contact}&entityType=contacts")).ReadJsonAsync();
        var contactEntry = deleted.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetInt64();
        deleted = await (await admin.Http.GetAsync($"/api/v1/audit/deleted?search=acm&entityType=companies&userId={org.Owner}")).ReadJsonAsync();
        var companyEntry = deleted.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetInt64();

        // The contact's company is gone: restore it first.
        var refused = await admin.Http.PostAsync($"/api/v1/audit/deleted/{contactEntry}/restore", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("companyId points to companies " + company, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A deactivated owner blocks the restore too.
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == org.Owner).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        refused = await admin.Http.PostAsync($"/api/v1/audit/deleted/{companyEntry}/restore", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("deactivated", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == org.Owner).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, true)));

        var mark = await AuditKit.MarkAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.PostAsync($"/api/v1/audit/deleted/{companyEntry}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.PostAsync($"/api/v1/audit/deleted/{contactEntry}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Http.PostAsync($"/api/v1/audit/deleted/{companyEntry}/restore", null)).StatusCode);

        var back = await app.InDatabaseAsync(db => db.Contacts.AsNoTracking().SingleAsync(c => c.Id == contact));
        Assert.Equal(("Ion", company, org.Owner), (back.FirstName, back.CompanyId, back.OwnerId));
        var entries = await AuditKit.SinceAsync(app, mark);
        Assert.Equal("Acme", AuditKit.New(AuditKit.One(entries, CrmModules.Companies.Key, AuditActions.Restored), "name"));
        AuditKit.One(entries, CrmModules.Contacts.Key, AuditActions.Restored);

        // The restored record is visible again to its owner, with the restore in its history; the list marks it restored.
        var ownerHistory = await (await owner.Http.GetAsync($"/api/v1/companies/{company}/history")).ReadJsonAsync();
        Assert.Equal("restored", ownerHistory.GetProperty("items")[0].GetProperty("action").GetString());
        deleted = await (await admin.Http.GetAsync($"/api/v1/audit/deleted?entityType=companies")).ReadJsonAsync();
        Assert.True(deleted.GetProperty("items")[0].GetProperty("restored").GetBoolean());

        // A new company after the restore still gets a fresh id (the sequence is intact).
        var fresh = await admin.PostJsonAsync("/api/v1/companies", $$"""{"name":"Newco","ownerId":"{{org.Owner}}"}""");
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.True((await fresh.ReadJsonAsync()).GetProperty("id").GetInt32() > company);
    }

    [Fact]
    public async Task The_deleted_objects_page_lists_and_restores()
    {
        await using var app = new CrmApp();
        var org = await OrgAsync(app);
        var company = await CompanyAsync(app, "Globex", org.Owner, org.Sales);
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/companies/{company}")).StatusCode);

        var (response, document) = await admin.GetPageAsync("/admin/deleted?type=companies");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = document.QuerySelector("#deleted tbody tr")!;
        Assert.Contains("Globex", row.TextContent, StringComparison.Ordinal);
        var restored = await admin.FollowAsync(await admin.SubmitAsync(document, [], $"tr[data-entry='{row.GetAttribute("data-entry")}'] form"));
        Assert.Contains("Globex (ID " + company + ") was restored.", restored.Document.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.True(await app.InDatabaseAsync(db => db.Companies.AnyAsync(c => c.Id == company)));

        var owner = await app.SignInAsync("owner@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetPageAsync("/admin/deleted")).Response.StatusCode);
    }
}
