using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Roles;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Companies;

public sealed class CompanyApiTests
{
    [Fact]
    public async Task Create_edit_and_delete_each_need_their_own_permission()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var viewer = await RoleAsync(app, "Looker", null, AssignRecordsTo.AnyUser, (CrmModules.Companies.Key, PermissionAction.View, Scope.All));
        var maker = await RoleAsync(app, "Maker one", null, AssignRecordsTo.AnyUser,
            (CrmModules.Companies.Key, PermissionAction.View, Scope.All), (CrmModules.Companies.Key, PermissionAction.Create, Scope.Own),
            (CrmModules.Companies.Key, PermissionAction.Edit, Scope.Own), (CrmModules.Companies.Key, PermissionAction.Delete, Scope.Own));
        var reader = await UserAsync(app, "reader@crm.test", viewer, sales);
        var writer = await UserAsync(app, "writer@crm.test", maker, sales);
        var others = await CompanyAsync(app, "Someone else's", reader.Id, sales);

        var readerClient = await app.SignInAsync("reader@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.PostJsonAsync("/api/v1/companies", """{"name":"Nope"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.PatchJsonAsync($"/api/v1/companies/{others}", """{"name":"Nope","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerClient.Http.DeleteAsync($"/api/v1/companies/{others}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readerClient.Http.GetAsync($"/companies/{others}")).StatusCode);
        Assert.DoesNotContain("Add company", await (await readerClient.Http.GetAsync("/companies")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var writerClient = await app.SignInAsync("writer@crm.test", Password);
        var created = await writerClient.PostJsonAsync("/api/v1/companies", """{"name":"  Globex  ","city":"Springfield","id":999,"departmentId":12345}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal("Globex", body.Text("name"));
        Assert.Equal(writer.Id, body.GetProperty("ownerId").GetGuid());
        Assert.Equal(sales, body.GetProperty("departmentId").GetInt32());
        var id = body.GetProperty("id").GetInt32();
        Assert.NotEqual(999, id);

        // Own scope: their own company yes, someone else's no.
        Assert.Equal(HttpStatusCode.OK, (await writerClient.PatchJsonAsync($"/api/v1/companies/{id}", """{"phone":"+1 555 0100","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await writerClient.PatchJsonAsync($"/api/v1/companies/{others}", """{"name":"Mine","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await writerClient.Http.DeleteAsync($"/api/v1/companies/{others}")).StatusCode);
        var after = await (await writerClient.Http.GetAsync($"/api/v1/companies/{id}")).ReadJsonAsync();
        Assert.Equal("Springfield", after.Text("city"));
        Assert.Equal("+1 555 0100", after.Text("phone"));
        Assert.Equal(HttpStatusCode.NoContent, (await writerClient.Http.DeleteAsync($"/api/v1/companies/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await writerClient.Http.GetAsync($"/api/v1/companies/{id}")).StatusCode);
        Assert.Equal("Someone else's", await app.InDatabaseAsync(db => db.Companies.Where(c => c.Id == others).Select(c => c.Name).SingleAsync()));
    }

    [Fact]
    public async Task Delete_impact_lists_the_contacts_and_confirming_deletes_exactly_those_in_one_go()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var doomed = await CompanyAsync(app, "Doomed", adminId, null);
        var kept = await CompanyAsync(app, "Kept", adminId, null);
        var ann = await ContactAsync(app, "Ann", "Able", doomed, adminId, null);
        var bob = await ContactAsync(app, "Bob", "Baker", doomed, adminId, null);
        var keptContact = await ContactAsync(app, "Cy", "Kept", kept, adminId, null);
        var loose = await ContactAsync(app, "Di", "Loose", null, adminId, null);

        var impact = await (await admin.Http.GetAsync($"/api/v1/companies/{doomed}/delete-impact")).ReadJsonAsync();
        Assert.Equal([ann, bob], impact.GetProperty("deleted").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()));
        Assert.Equal(["Ann Able", "Bob Baker"], impact.GetProperty("deleted").EnumerateArray().Select(d => d.Text("name")));

        // The page lists them; if a contact is added after the page was shown, confirming deletes nothing.
        var (_, page) = await admin.GetPageAsync($"/companies/{doomed}/delete");
        Assert.Contains("Ann Able", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Bob Baker", page.Body!.TextContent, StringComparison.Ordinal);
        var late = await ContactAsync(app, "Ed", "Late", doomed, adminId, null);
        var refused = await admin.SubmitAsync(page, new());
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("changed after the confirmation", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await app.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.CompanyId == doomed)));

        var (_, again) = await admin.GetPageAsync($"/companies/{doomed}/delete");
        Assert.Contains("Ed Late", again.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(again, [])).StatusCode);
        var left = await app.InDatabaseAsync(db => db.Contacts.Select(c => c.Id).OrderBy(i => i).ToListAsync());
        Assert.Equal([keptContact, loose], left);
        Assert.False(await app.InDatabaseAsync(db => db.Companies.AnyAsync(c => c.Id == doomed)));
        Assert.True(await app.InDatabaseAsync(db => db.Companies.AnyAsync(c => c.Id == kept)));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()), k => k == DeleteCompany.ActivityKind);
        _ = late;
    }

    [Fact]
    public async Task A_stale_version_is_a_conflict_and_nobody_loses_their_update()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var created = await (await admin.PostJsonAsync("/api/v1/companies", """{"name":"Initech"}""")).ReadJsonAsync();
        var id = created.GetProperty("id").GetInt32();
        var version = created.GetProperty("version").GetInt32();

        var first = await admin.PatchJsonAsync($"/api/v1/companies/{id}", $$"""{"city":"Austin","version":{{version}}}""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await admin.PatchJsonAsync($"/api/v1/companies/{id}", $$"""{"phone":"555","version":{{version}}}""");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("changed by someone else", (await second.ReadJsonAsync()).Text("title"), StringComparison.Ordinal);
        var missing = await admin.PatchJsonAsync($"/api/v1/companies/{id}", """{"phone":"555"}""");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.NotEmpty(await missing.FieldErrorsAsync("version"));

        var now = await (await admin.Http.GetAsync($"/api/v1/companies/{id}")).ReadJsonAsync();
        Assert.Equal("Austin", now.Text("city"));
        Assert.Null(now.Text("phone"));
        Assert.Equal(version + 1, now.GetProperty("version").GetInt32());

        // The edit form carries the version it was filled from: a save after someone else's is refused.
        var (_, form) = await admin.GetPageAsync($"/companies/{id}/edit");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/companies/{id}", $$"""{"city":"Dallas","version":{{version + 1}}}""")).StatusCode);
        var stale = await admin.SubmitAsync(form, new() { ["Input.City"] = "Houston" });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("changed by someone else", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Dallas", await app.InDatabaseAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.City).SingleAsync()));
    }

    [Fact]
    public async Task Bad_input_is_a_clear_400_and_writes_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var tooLong = new string('x', 10_000);
        var big = await admin.PostJsonAsync("/api/v1/companies", JsonSerializer.Serialize(new { name = tooLong }));
        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Contains("at most 200", (await big.FieldErrorsAsync("name")).Single(), StringComparison.Ordinal);

        var script = await admin.PostJsonAsync("/api/v1/companies", """{"name":"<script>alert(1)</script>","email":"not an email","website":"javascript:alert(1)"}""");
        Assert.Equal(HttpStatusCode.BadRequest, script.StatusCode);
        Assert.Superset(new HashSet<string> { "name", "email", "website" }, (await ErrorFieldsAsync(script)).ToHashSet());

        var wrongType = await admin.PatchJsonAsync("/api/v1/companies/1", """{"name":["a"],"version":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var page = await admin.SubmitAsync("/companies/new", new() { ["Input.Name"] = "<b>bold</b>" });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("cannot contain HTML", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Companies.CountAsync()));

        foreach (var cursor in new[] { "garbage", "%%%", Convert.ToBase64String("[\"1\",\"name\",\"n\",\"x\",\"a\"]"u8.ToArray()), new string('A', 5000) })
        {
            var list = await admin.Http.GetAsync($"/api/v1/companies?cursor={Uri.EscapeDataString(cursor)}");
            Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
            Assert.NotEmpty(await list.FieldErrorsAsync("cursor"));
            Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync($"/companies?cursor={Uri.EscapeDataString(cursor)}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/companies?pageSize=1000")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/companies?sort=drop%20table")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/api/v1/companies/424242")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PatchJsonAsync("/api/v1/companies/424242", """{"name":"x","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.DeleteAsync("/api/v1/companies/424242")).StatusCode);
        var transfer = await admin.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[424242],"newOwnerId":"{{Guid.NewGuid()}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, transfer.StatusCode);
        Assert.NotEmpty(await transfer.FieldErrorsAsync("newOwnerId"));
        var owner = await app.InDatabaseAsync(db => db.Users.Select(u => u.Id).FirstAsync());
        var unknown = await admin.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[424242],"newOwnerId":"{{owner}}"}""");
        Assert.Contains("ID 424242", (await unknown.FieldErrorsAsync("companyIds")).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyset_paging_returns_every_company_exactly_once_in_both_directions()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var expected = new List<int>();
        for (var i = 0; i < 47; i++)
        {
            // Repeated names: the id breaks the tie, so no row is skipped or repeated at a page boundary.
            expected.Add(await CompanyAsync(app, $"Company {i % 7}", adminId, null));
        }

        foreach (var sort in new[] { "name", "id" })
        {
            var seen = new List<int>();
            string? cursor = null;
            var pages = new List<(string? Cursor, List<int> Ids)>();
            do
            {
                var response = await admin.Http.GetAsync($"/api/v1/companies?sort={sort}&pageSize=10" + (cursor is null ? "" : $"&cursor={cursor}"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var json = await response.ReadJsonAsync();
                var ids = json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
                pages.Add((json.Text("previousCursor"), ids));
                seen.AddRange(ids);
                cursor = json.Text("nextCursor");
            }
            while (cursor is not null);

            Assert.Equal(expected.Order(), seen.Order());
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Equal(5, pages.Count);
            // Walking back from the last page gives the pages before it, in order.
            var back = await (await admin.Http.GetAsync($"/api/v1/companies?sort={sort}&pageSize=10&cursor={pages[^1].Cursor}")).ReadJsonAsync();
            Assert.Equal(pages[^2].Ids, back.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
        }

        var foreign = await (await admin.Http.GetAsync("/api/v1/companies?sort=id&pageSize=10")).ReadJsonAsync();
        var wrongSort = await admin.Http.GetAsync($"/api/v1/companies?sort=name&cursor={foreign.Text("nextCursor")}");
        Assert.Equal(HttpStatusCode.BadRequest, wrongSort.StatusCode);
    }

    [Fact]
    public async Task Csv_export_neutralises_formulas_needs_the_permission_and_is_logged()
    {
        await using var app = new CrmApp();
        var adminId = await app.AdminIdAsync();
        foreach (var name in new[] { "=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Plain, Inc." })
        {
            await CompanyAsync(app, name, adminId, null);
        }

        var admin = await app.SignInAsAdminAsync();
        var response = await admin.Http.GetAsync("/api/v1/companies/export.csv?sort=id");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var csv = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.StartsWith("ID,Name,City,Country,Phone,Email,Website,Owner\r\n", csv, StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",", csv, StringComparison.Ordinal);
        Assert.Contains(",'+1,", csv, StringComparison.Ordinal);
        Assert.Contains(",'-2,", csv, StringComparison.Ordinal);
        Assert.Contains(",'@SUM(A1),", csv, StringComparison.Ordinal);
        Assert.Contains(",'\tTab,", csv, StringComparison.Ordinal);
        Assert.Contains(",\"'\rReturn\",", csv, StringComparison.Ordinal);
        Assert.Contains(",\"Plain, Inc.\",", csv, StringComparison.Ordinal);
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()), k => k == ListExports.ActivityKindOf("companies"));

        // The rule itself; quoting is the CSV writer's (the HYPERLINK cell above).
        Assert.Equal("", FormulaText.Neutralise(null));
        Assert.Equal("'=1+1", FormulaText.Neutralise("=1+1"));
        Assert.Equal("a\"b", FormulaText.Neutralise("a\"b"));

        var role = await RoleAsync(app, "No export", null, AssignRecordsTo.AnyUser, (CrmModules.Companies.Key, PermissionAction.View, Scope.All));
        await UserAsync(app, "noexport@crm.test", role);
        var staff = await app.SignInAsync("noexport@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/companies/export.csv")).StatusCode);
        Assert.DoesNotContain("Export CSV", await (await staff.Http.GetAsync("/companies")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xlsx_export_is_a_workbook_of_text_cells_with_formulas_neutralised_and_needs_the_permission()
    {
        await using var app = new CrmApp();
        var adminId = await app.AdminIdAsync();
        foreach (var name in new[] { "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "Plain <b>&</b> Co", "Bell\u0007Ltd" })
        {
            await CompanyAsync(app, name, adminId, null);
        }

        var admin = await app.SignInAsAdminAsync();
        var response = await admin.Http.GetAsync("/api/v1/companies/export.xlsx?sort=id");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".xlsx", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.NotNull(zip.GetEntry("[Content_Types].xml"));
        Assert.NotNull(zip.GetEntry("xl/workbook.xml"));
        using var sheetStream = zip.GetEntry("xl/worksheets/sheet1.xml")!.Open();
        var sheet = System.Xml.Linq.XDocument.Load(sheetStream);
        System.Xml.Linq.XNamespace ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var rows = sheet.Descendants(ns + "row").Select(r => r.Elements(ns + "c").ToList()).ToList();
        Assert.Equal(["ID", "Name", "Owner"], rows[0].Select(c => c.Value).Where(v => v is "ID" or "Name" or "Owner"));
        var names = rows.Skip(1).Select(r => r.Single(c => ((string)c.Attribute("r")!).StartsWith('B'))).ToList();
        Assert.Equal(["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "Plain <b>&</b> Co", "BellLtd"], names.Select(c => c.Value));
        Assert.All(rows.Skip(1).SelectMany(r => r), c => Assert.Equal("inlineStr", (string?)c.Attribute("t")));
        Assert.Empty(sheet.Descendants(ns + "f"));
        // Formula-like text carries the quote-prefix style (2), so it stays text even when edited.
        Assert.Equal(["2", "2", null, null], names.Select(c => (string?)c.Attribute("s")));
        Assert.Equal("A", Xlsx.Column(0));
        Assert.Equal("AA", Xlsx.Column(26));

        var role = await RoleAsync(app, "No export", null, AssignRecordsTo.AnyUser, (CrmModules.Companies.Key, PermissionAction.View, Scope.All));
        await UserAsync(app, "noexport@crm.test", role);
        var staff = await app.SignInAsync("noexport@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/companies/export.xlsx")).StatusCode);
    }
}
