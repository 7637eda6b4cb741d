using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Tests.Sharing;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.RoleAudit;

/// <summary>
/// The role audit (issue 29): each user's effective rights against their role with the override or
/// group that widened them, rights nobody used in 90 days from the audit trail, roles with export or
/// delete on all records; page, API and CSV; administrators only.
/// </summary>
public sealed class RoleAuditTests
{
    [Fact]
    public async Task The_audit_names_widened_rights_unused_rights_and_roles_that_may_export_everything()
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var admin = await app.SignInAsAdminAsync();
        var sellerGrants = SharingOrg.OwnOnly.Select(g => new { module = g.Item1, action = g.Item2, scope = (g.Item1, g.Item2) == ("deals", "export") ? "All" : g.Item3.ToString() }).ToArray();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/grants", sellerGrants)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/groups/{org.KeyAccounts}/grants", new[] { new { module = "deals", action = "edit", scope = "Department" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/access/overrides/{org.Bob}", new[] { new { module = "companies", action = "view", scope = "All" } })).StatusCode);
        await ObjectKit.DealAsync(app, "Used", org.Owner, org.Sales);

        var report = await (await admin.Http.GetAsync("/api/v1/roles/audit")).ReadJsonAsync();
        var users = report.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetGuid());
        var annEdit = users[org.Ann].GetProperty("rights").EnumerateArray().Single(r => r.Text("module") == "deals" && r.Text("action") == "edit");
        Assert.Equal(("Own", "Department", "group Key accounts", true), (annEdit.Text("roleScope"), annEdit.Text("effective"), annEdit.Text("source"), annEdit.GetProperty("widens").GetBoolean()));
        var bobView = users[org.Bob].GetProperty("rights").EnumerateArray().Single(r => r.Text("module") == "companies" && r.Text("action") == "view");
        Assert.Equal(("Own", "All", "individual override"), (bobView.Text("roleScope"), bobView.Text("effective"), bobView.Text("source")));
        Assert.Equal(0, users[org.Eve].GetProperty("widened").GetInt32());

        // Deals were created today (the trail says so); none was deleted.
        var unused = report.GetProperty("unused").EnumerateArray().Select(u => $"{u.Text("module")} {u.Text("action")}").ToList();
        Assert.Contains("deals delete", unused);
        Assert.DoesNotContain("deals create", unused);
        Assert.DoesNotContain(unused, u => u.EndsWith(" view", StringComparison.Ordinal));
        var broad = Assert.Single(report.GetProperty("broad").EnumerateArray(), b => b.Text("role") == "Seller");
        Assert.Equal(("Seller", "deals", "export", 3), (broad.Text("role"), broad.Text("module"), broad.Text("action"), broad.GetProperty("holders").GetInt32()));

        // Ninety-one days later the creation no longer counts as use.
        app.Clock.Advance(TimeSpan.FromDays(91));
        admin = await app.SignInAsAdminAsync();
        var later = await (await admin.Http.GetAsync("/api/v1/roles/audit")).ReadJsonAsync();
        Assert.Contains(later.GetProperty("unused").EnumerateArray(), u => u.Text("module") == "deals" && u.Text("action") == "create");

        // The page highlights the widened rights; the CSV holds every right; nobody else may look.
        var (page, document) = await admin.GetPageAsync("/admin/roles/audit");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(document.QuerySelectorAll("#user-rights tr.widened"), r => r.TextContent.Contains("ann", StringComparison.Ordinal) && r.TextContent.Contains("group Key accounts", StringComparison.Ordinal));
        Assert.Contains("Seller", document.QuerySelector("#broad-grants")!.TextContent, StringComparison.Ordinal);
        var csv = await admin.Http.GetAsync("/api/v1/roles/audit/export");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("User,Email,Role,Administrator,Module,Action,Role scope,Effective scope,Widened,Source", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("bob,bob@crm.test,Lead,no,Companies,view,Own,All,yes,individual override", StringComparison.Ordinal));
        var ann = await app.SignInAsync("ann@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.Http.GetAsync("/api/v1/roles/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.Http.GetAsync("/api/v1/roles/audit/export")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await ann.Http.GetAsync("/admin/roles/audit")).StatusCode);
    }
}
