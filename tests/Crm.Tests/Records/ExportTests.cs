using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>Every module's export: CSV and xlsx, the export permission, bad input, and one activity entry and one audit entry per export.</summary>
public sealed class ExportTests
{
    private static readonly string[] s_modules = ["companies", "contacts", "leads", "deals", "products", "tasks", "memos", "emails", "files"];

    private static readonly Dictionary<string, string> s_pages = new()
    {
        ["companies"] = "/companies", ["contacts"] = "/contacts", ["leads"] = "/leads", ["deals"] = "/deals", ["products"] = "/products",
        ["tasks"] = "/tasks", ["memos"] = "/memos", ["emails"] = "/emails", ["files"] = "/files",
    };

    /// <summary>One record in every module, owned by the administrator; returns module → its id.</summary>
    private static async Task<Dictionary<string, int>> OneOfEachAsync(CrmApp app, PageClient admin)
    {
        var adminId = await app.AdminIdAsync();
        var company = await CompanyAsync(app, "Acme", adminId, null);
        var ids = new Dictionary<string, int>
        {
            ["companies"] = company,
            ["contacts"] = await ContactAsync(app, "Ada", "Lovelace", company, adminId, null),
            ["leads"] = await LeadAsync(app, "Lee", "Lead", null, adminId, null),
            ["deals"] = await DealAsync(app, "Big deal", adminId, null, company, amount: 50000),
            ["products"] = await ProductAsync(app, "P-1", "Widget", adminId, null),
            ["emails"] = await EmailAsync(app, "Offer", adminId, null, "companies", company),
        };
        var task = await admin.PostJsonAsync("/api/v1/tasks", """{"title":"Call back"}""");
        Assert.Equal(HttpStatusCode.Created, task.StatusCode);
        ids["tasks"] = (await task.ReadJsonAsync()).GetProperty("id").GetInt32();
        var reader = await app.CreateUserAsync("reader@crm.test", Password);
        var memo = await admin.PostJsonAsync("/api/v1/memos", $$"""{"title":"Note","body":"Read me.","recipientId":"{{reader.Id}}"}""");
        Assert.Equal(HttpStatusCode.Created, memo.StatusCode);
        ids["memos"] = (await memo.ReadJsonAsync()).GetProperty("id").GetInt32();
        var file = await admin.UploadAsync("companies", company, "secret-plan.txt", "TOP SECRET CONTENT"u8.ToArray());
        Assert.Equal(HttpStatusCode.Created, file.StatusCode);
        ids["files"] = (await file.ReadJsonAsync()).GetProperty("id").GetInt32();
        return ids;
    }

    private static Task<List<AuditEntry>> ExportEntriesAsync(CrmApp app) =>
        app.InDatabaseAsync(db => db.AuditEntries.Where(e => e.Action == AuditActions.Exported).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task Every_module_exports_csv_and_xlsx_and_each_export_writes_one_audit_entry_with_its_activity_entry()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var ids = await OneOfEachAsync(app, admin);

        foreach (var module in s_modules)
        {
            var page = await (await admin.Http.GetAsync(s_pages[module])).Content.ReadAsStringAsync();
            Assert.Contains($"/api/v1/{module}/export?format=csv", page, StringComparison.Ordinal);
            Assert.Contains($"/api/v1/{module}/export?format=xlsx", page, StringComparison.Ordinal);
            foreach (var format in new[] { "csv", "xlsx" })
            {
                var before = (await ExportEntriesAsync(app)).Count;
                var table = await admin.ExportAsync($"/api/v1/{module}/export", format);
                Assert.Equal(HttpStatusCode.OK, table.Status);
                Assert.Equal([ids[module]], table.Ids);
                Assert.Equal("ID", table.Headers[0]);

                var entries = await ExportEntriesAsync(app);
                Assert.Equal(before + 1, entries.Count);
                var entry = entries[^1];
                Assert.Equal(module, entry.EntityType);
                Assert.Equal(AuditActorKinds.User, entry.ActorKind);
                Assert.NotNull(entry.ActorUserId);
                var changes = JsonDocument.Parse(entry.Changes).RootElement;
                Assert.Equal(format, changes.GetProperty("format").GetProperty("new").GetString());
                Assert.Equal(1, changes.GetProperty("count").GetProperty("new").GetInt32());
                Assert.Equal(JsonValueKind.Object, changes.GetProperty("filter").GetProperty("new").ValueKind);
                // Saved by the same SaveChanges as the activity entry: same request, same moment.
                var activity = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ListExports.ActivityKindOf(module)).OrderByDescending(a => a.Id).FirstAsync());
                Assert.Equal(activity.RequestId, entry.RequestId);
                Assert.Contains($"Exported 1 {module}", activity.Summary, StringComparison.Ordinal);
            }
        }

        // Files: metadata, never the content.
        var files = await admin.Http.GetStringAsync("/api/v1/files/export?format=csv");
        Assert.Contains("secret-plan.txt", files, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP SECRET CONTENT", files, StringComparison.Ordinal);

        // The filter is what the list was given; the old addresses still answer.
        Assert.Empty((await admin.ExportAsync("/api/v1/deals/export?search=nothing-like-it&stage=won", "csv")).Ids);
        var filtered = JsonDocument.Parse((await ExportEntriesAsync(app))[^1].Changes).RootElement.GetProperty("filter").GetProperty("new");
        Assert.Equal("nothing-like-it", filtered.GetProperty("search").GetString());
        Assert.Equal("won", filtered.GetProperty("stage").GetString());
        Assert.Equal(0, JsonDocument.Parse((await ExportEntriesAsync(app))[^1].Changes).RootElement.GetProperty("count").GetProperty("new").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/api/v1/leads/export.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/api/v1/companies/export.csv")).StatusCode);

        // Two per module, the files check, the filtered deals and the two old addresses.
        Assert.Equal(2 * s_modules.Length + 4, (await ExportEntriesAsync(app)).Count);
        // The export entries are links of the chain like any other.
        using var scope = app.Services.CreateScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<VerifyAuditChain>().RunAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Bad_format_or_filter_and_a_missing_permission_export_nothing_and_log_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        await OneOfEachAsync(app, admin);
        var viewer = await RoleAsync(app, "Viewer", null, AssignRecordsTo.AnyUser, [.. CrmModules.All.Select(m => (m.Key, PermissionAction.View, Scope.All))]);
        await UserAsync(app, "viewer@crm.test", viewer);
        var client = await app.SignInAsync("viewer@crm.test", Password);
        var activityBefore = await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind.EndsWith("-exported")));

        foreach (var module in s_modules)
        {
            var bad = await admin.Http.GetAsync($"/api/v1/{module}/export?format=pdf");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("format", await ErrorFieldsAsync(bad));
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync($"/api/v1/{module}/export.pdf")).StatusCode);
            var badSort = await admin.Http.GetAsync($"/api/v1/{module}/export?format=xlsx&sort=nonsense");
            Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
            Assert.Contains("sort", await ErrorFieldsAsync(badSort));

            foreach (var format in new[] { "csv", "xlsx" })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync($"/api/v1/{module}/export?format={format}")).StatusCode);
            }

            var page = await client.Http.GetAsync(s_pages[module]);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Export CSV", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"/api/v1/{module}/export", html, StringComparison.Ordinal);
        }

        Assert.Empty(await ExportEntriesAsync(app));
        Assert.Equal(activityBefore, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind.EndsWith("-exported"))));
    }
}
