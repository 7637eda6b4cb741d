using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>
/// The export log (Administration › Exports, <c>GET /api/v1/exports</c>) lists every export the
/// app maps, and a role's row limit refuses a larger export of every module, writing nothing.
/// The export routes are read from the app, not listed here, so a new module's export is covered.
/// </summary>
public sealed class ExportLogTests
{
    /// <summary>Every GET export the API maps without a route parameter: <c>/api/v1/{module}/export</c> and the reports'.</summary>
    private static List<string> ExportRoutes(CrmApp app) =>
    [
        .. app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Count == 0
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/api/v1/", StringComparison.Ordinal) && p.EndsWith("/export", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal),
    ];

    /// <summary>The module a module's export route exports (<c>/api/v1/deals/export</c> → deals); null for a report.</summary>
    private static string? ModuleOf(string route)
    {
        var key = route["/api/v1/".Length..^"/export".Length];
        return CrmModules.All.Any(m => m.Key == key) ? key : null;
    }

    /// <summary>One record in every module that has an export, owned by the administrator.</summary>
    private static async Task OneOfEachAsync(CrmApp app, PageClient admin, Guid adminId, Guid memoReader, string suffix)
    {
        var company = await CompanyAsync(app, "Acme " + suffix, adminId, null);
        await ContactAsync(app, "Ada", "Lovelace " + suffix, company, adminId, null);
        await LeadAsync(app, "Lee", "Lead " + suffix, null, adminId, null);
        await DealAsync(app, "Deal " + suffix, adminId, null, company, amount: 50000);
        await ProductAsync(app, "P-" + suffix, "Widget " + suffix, adminId, null);
        await EmailAsync(app, "Offer " + suffix, adminId, null, "companies", company);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/tasks", $$"""{"title":"Call back {{suffix}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created,
            (await admin.PostJsonAsync("/api/v1/memos", $$"""{"title":"Note {{suffix}}","body":"Read me.","recipientId":"{{memoReader}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.UploadAsync("companies", company, $"plan-{suffix}.txt", "PLAN"u8.ToArray())).StatusCode);
    }

    private static Task<int> ExportEntriesAsync(CrmApp app) =>
        app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditActions.Exported));

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Every_export_is_logged_and_a_roles_row_limit_refuses_a_larger_export_of_every_module_without_writing_anything()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var reader = await app.CreateUserAsync("reader@crm.test", Password);
        await OneOfEachAsync(app, admin, adminId, reader.Id, "1");
        await OneOfEachAsync(app, admin, adminId, reader.Id, "2");

        var routes = ExportRoutes(app);
        var modules = routes.Select(ModuleOf).OfType<string>().ToList();
        Assert.Equal(CrmModules.All.Where(m => m.Has(PermissionAction.Export) && m.Key != CrmModules.Countries.Key).Select(m => m.Key).Order(StringComparer.Ordinal),
            modules.Order(StringComparer.Ordinal));
        Assert.Contains("/api/v1/roles/audit/export", routes);

        // A role limited to one row per export, through the roles API (bad limits refused with a message per field).
        foreach (var bad in new[] { 0, -5, 10_000_001 })
        {
            var refused = await ProblemAsync(await admin.Http.PostAsJsonAsync("/api/v1/roles", new { name = "Exporter", assignRecordsTo = "AnyUser", maxExportRows = bad }));
            Assert.Contains("Maximum rows per export", refused.GetProperty("errors").GetProperty("maxExportRows")[0].GetString(), StringComparison.Ordinal);
        }

        var created = await admin.Http.PostAsJsonAsync("/api/v1/roles", new { name = "Exporter", assignRecordsTo = "AnyUser", maxExportRows = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var roleId = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(1, (await (await admin.Http.GetAsync($"/api/v1/roles/{roleId}")).ReadJsonAsync()).GetProperty("maxExportRows").GetInt32());
        // The list says it too, so an administrator sees every role's limit at once.
        var listed = (await (await admin.Http.GetAsync("/api/v1/roles")).ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(1, listed.Single(r => r.GetProperty("id").GetInt32() == roleId).GetProperty("maxExportRows").GetInt32());
        Assert.Contains(listed, r => r.GetProperty("maxExportRows").ValueKind == System.Text.Json.JsonValueKind.Null);
        var grants = modules.SelectMany(m => new[] { new { module = m, action = "view", scope = "All" }, new { module = m, action = "export", scope = "All" } }).ToArray();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{roleId}/grants", grants)).StatusCode);
        var rolePage = await (await admin.Http.GetAsync($"/admin/roles/{roleId}")).Content.ReadAsStringAsync();
        Assert.Contains("""id="Input_MaxExportRows" name="Input.MaxExportRows" value="1""", rolePage, StringComparison.Ordinal);

        // The role's form: a bad limit is answered beside the field, and nothing changes; a good one is saved.
        const string details = "form[method=post][novalidate]";
        var form = new Dictionary<string, string> { ["Input.AssignRecordsTo"] = "AnyUser", ["Input.ParentId"] = "", ["Input.MaxExportRows"] = "0" };
        var invalid = await admin.SubmitAsync($"/admin/roles/{roleId}", new(form), details);
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var answer = await PageClient.ParseAsync(await invalid.Content.ReadAsStringAsync());
        Assert.Contains("Maximum rows per export must be", answer.QuerySelector("[data-valmsg-for='Input.MaxExportRows']")!.TextContent, StringComparison.Ordinal);
        form["Input.MaxExportRows"] = "1";
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync($"/admin/roles/{roleId}", new(form), details)).StatusCode);
        Assert.Equal(1, (await (await admin.Http.GetAsync($"/api/v1/roles/{roleId}")).ReadJsonAsync()).GetProperty("maxExportRows").GetInt32());

        var exporter = await UserAsync(app, "exporter@crm.test", roleId);
        var staff = await app.SignInAsync("exporter@crm.test", Password);

        // Every module: two rows over a limit of one are refused with the limit and the advice, and nothing is written.
        var entriesBefore = await ExportEntriesAsync(app);
        var activityBefore = await app.InDatabaseAsync(db => db.ActivityLog.CountAsync());
        foreach (var route in routes.Where(r => ModuleOf(r) is not null))
        {
            var problem = await ProblemAsync(await staff.Http.GetAsync(route + "?format=csv"));
            var message = problem.GetProperty("errors").GetProperty("rowLimit")[0].GetString();
            Assert.Contains("your role (Exporter) may export at most 1 rows", message, StringComparison.Ordinal);
            Assert.Contains("Narrow the filter", message, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadRequest, (await staff.Http.GetAsync(route + "?format=xlsx")).StatusCode);
        }

        Assert.Equal(entriesBefore, await ExportEntriesAsync(app));
        Assert.Equal(activityBefore, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync()));

        // From the list page's Export button: back to the list with its filter, which says why.
        using (var click = new HttpRequestMessage(HttpMethod.Get, "/api/v1/companies/export?format=xlsx&sort=name"))
        {
            click.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
            var back = await staff.Http.SendAsync(click);
            Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
            var location = back.Headers.Location!.OriginalString;
            Assert.StartsWith("/companies?", location, StringComparison.Ordinal);
            Assert.Equal(["export=over-limit", "sort=name"], location[(location.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Order(StringComparer.Ordinal));
            var list = await (await staff.Http.GetAsync(back.Headers.Location)).Content.ReadAsStringAsync();
            Assert.Contains("id=\"export-refused\"", list, StringComparison.Ordinal);
            Assert.Contains("at most 1 rows", list, StringComparison.Ordinal);
        }

        // Narrowed to one row, the export goes ahead and is logged.
        var narrowed = await staff.ExportAsync("/api/v1/companies/export?search=Acme%202", "csv");
        Assert.Equal(HttpStatusCode.OK, narrowed.Status);
        Assert.Single(narrowed.Rows);
        Assert.Equal(entriesBefore + 1, await ExportEntriesAsync(app));

        // Administrators have no limit; every export the app maps, reports included, reaches the log.
        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync(route + "?format=csv")).StatusCode);
        }

        // A person's data-protection export (a record's export, not a list's) is in the log too.
        var today = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var request = (await (await admin.PostJsonAsync("/api/v1/gdpr", $$"""{"kind":"access","email":"ada@example.com","receivedOn":"{{today}}"}""")).ReadJsonAsync())
            .GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync($"/api/v1/gdpr/{request}/export")).StatusCode);

        var log = await (await admin.Http.GetAsync("/api/v1/exports?pageSize=200")).ReadJsonAsync();
        var items = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(routes.Count + 2, items.Count);
        var gdpr = items[0];
        Assert.Equal(("gdpr-request", "zip", $"{request}"), (gdpr.GetProperty("module").GetString(), gdpr.GetProperty("format").GetString(),
            gdpr.GetProperty("filter").GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, log.GetProperty("nextCursor").ValueKind);
        foreach (var route in routes)
        {
            var name = ModuleOf(route) ?? "role-audit";
            var item = Assert.Single(items, i => i.GetProperty("module").GetString() == name && i.GetProperty("userId").GetGuid() == adminId);
            Assert.Equal("csv", item.GetProperty("format").GetString());
            Assert.True(item.GetProperty("rows").GetInt32() >= 1, name);
            Assert.NotEmpty(item.GetProperty("columns").EnumerateArray());
            Assert.False(string.IsNullOrEmpty(item.GetProperty("ipAddress").GetString()), name);
            Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, item.GetProperty("at").GetDateTime(), TimeSpan.FromMinutes(1));
        }

        var companies = Assert.Single(items, i => i.GetProperty("module").GetString() == "companies" && i.GetProperty("userId").GetGuid() == exporter.Id);
        Assert.Equal("Acme 2", companies.GetProperty("filter").GetProperty("search").GetString());
        Assert.Equal(1, companies.GetProperty("rows").GetInt32());
        Assert.Equal("Companies", companies.GetProperty("moduleTitle").GetString());

        // Filters: by user, by module; keyset pages that do not overlap; a bad module or cursor is a 400.
        var mine = (await (await admin.Http.GetAsync($"/api/v1/exports?userId={exporter.Id}")).ReadJsonAsync()).GetProperty("items");
        Assert.Equal([companies.GetProperty("id").GetInt64()], mine.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        var ofCompanies = (await (await admin.Http.GetAsync("/api/v1/exports?module=companies")).ReadJsonAsync()).GetProperty("items");
        Assert.Equal(2, ofCompanies.GetArrayLength());
        var first = await (await admin.Http.GetAsync("/api/v1/exports?pageSize=3")).ReadJsonAsync();
        var second = await (await admin.Http.GetAsync($"/api/v1/exports?pageSize=3&cursor={first.GetProperty("nextCursor").GetString()}")).ReadJsonAsync();
        var firstIds = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        var secondIds = second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(items.Take(6).Select(i => i.GetProperty("id").GetInt64()), firstIds.Concat(secondIds));
        Assert.True(firstIds.Min() > secondIds.Max());
        Assert.Contains("module", (await ProblemAsync(await admin.Http.GetAsync("/api/v1/exports?module=spaceships"))).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Contains("cursor", (await ProblemAsync(await admin.Http.GetAsync("/api/v1/exports?cursor=abc"))).GetProperty("errors").EnumerateObject().Select(p => p.Name));

        // The page, for administrators only.
        var (response, document) = await admin.GetPageAsync($"/admin/exports?module=companies&user={exporter.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(document.QuerySelectorAll("#exports tbody tr"));
        Assert.Contains("search: Acme 2", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Maximum rows per export", (await admin.GetPageAsync("/help/exports")).Document.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/exports")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await staff.Http.GetAsync("/admin/exports")).StatusCode);

        // Lifting the limit (an empty value) lets the whole list go.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{roleId}", new { name = "Exporter", assignRecordsTo = "AnyUser", maxExportRows = (int?)null })).StatusCode);
        Assert.Equal(2, (await staff.ExportAsync("/api/v1/companies/export", "csv")).Rows.Count);
    }
}
