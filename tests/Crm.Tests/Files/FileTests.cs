using System.Net;
using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Files;
using Crm.Web.Records;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Files;

public sealed class FileTests
{
    private static (string, string, Scope)[] FilesToo(Scope companies, Scope files) =>
    [
        .. Everything(companies),
        .. PermissionAction.Standard.Select(a => (CrmModules.Files.Key, a, files)),
    ];

    [Fact]
    public async Task Content_is_stored_once_and_removed_with_its_last_reference()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var first = await CompanyAsync(app, "First", adminId, null);
        var second = await CompanyAsync(app, "Second", adminId, null);
        var content = Encoding.UTF8.GetBytes("the same contract text");

        var a = await admin.UploadAsync("companies", first, "contract.txt", content);
        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        var aId = (await a.ReadJsonAsync()).GetProperty("id").GetInt32();
        var b = await admin.UploadAsync("companies", second, "copy.txt", content);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        var bId = (await b.ReadJsonAsync()).GetProperty("id").GetInt32();

        Assert.Equal(1, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Equal(2, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Single(FileKit.StoredPaths(app));

        var download = await admin.Http.GetAsync($"/api/v1/files/{bId}/content");
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").First());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/files/{aId}")).StatusCode);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Single(FileKit.StoredPaths(app));
        Assert.Equal(content, await (await admin.Http.GetAsync($"/api/v1/files/{bId}/content")).Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/files/{bId}")).StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Empty(FileKit.StoredPaths(app));
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_and_stores_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var company = await CompanyAsync(app, "Big", adminId, null);

        var response = await admin.UploadAsync("companies", company, "huge.bin", new GeneratedContent(100L * 1024 * 1024), "application/octet-stream");

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"answered {(int)response.StatusCode}");
        Assert.Contains("larger than the limit of 25 MB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Empty(FileKit.StoredPaths(app));
    }

    [Fact]
    public async Task Names_lose_their_paths_and_control_characters_and_markup_stays_text()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var company = await CompanyAsync(app, "Names", adminId, null);

        async Task<(int Id, string Name)> Upload(string name)
        {
            var response = await admin.UploadAsync("companies", company, name, Encoding.UTF8.GetBytes(name));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var json = await response.ReadJsonAsync();
            return (json.GetProperty("id").GetInt32(), json.GetProperty("name").GetString()!);
        }

        Assert.Equal("passwd", (await Upload("../../etc/passwd")).Name);
        Assert.Equal("x", (await Upload("C:\\x")).Name);
        Assert.Equal("report.pdf", (await Upload("report\u0007.pdf")).Name);
        Assert.Equal("passwd", FileNames.Sanitise("..\\..\\etc/passwd"));
        Assert.Equal(FileObject.NameMaxLength, FileNames.Sanitise(new string('a', 500) + ".txt").Length);
        Assert.EndsWith(".txt", FileNames.Sanitise(new string('a', 500) + ".txt"), StringComparison.Ordinal);
        // A slash is a path separator, so "</script>" would lose its start; markup without one is kept as text.
        Assert.Equal("script>.txt", FileNames.Sanitise("<script>alert(1)</script>.txt"));
        var script = await Upload("<img src=x onerror=alert(1)>.txt");
        Assert.Equal("<img src=x onerror=alert(1)>.txt", script.Name);

        var html = await (await admin.Http.GetAsync($"/files/{script.Id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;.txt", html, StringComparison.Ordinal);
        var companyPage = await (await admin.Http.GetAsync($"/companies/{company}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<img src=x", companyPage, StringComparison.Ordinal);
        Assert.Contains("passwd", companyPage, StringComparison.Ordinal);
        var download = await admin.Http.GetAsync($"/files/{script.Id}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task A_file_is_seen_only_with_the_files_permission_and_its_record_in_scope()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var own = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser, FilesToo(Scope.Own, Scope.All));
        var dept = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, FilesToo(Scope.Department, Scope.Department));
        var noFiles = await RoleAsync(app, "No files", null, AssignRecordsTo.AnyUser, Everything(Scope.All));
        var ann = await UserAsync(app, "ann@crm.test", own, sales);
        var bob = await UserAsync(app, "bob@crm.test", own, sales);
        var dee = await UserAsync(app, "dee@crm.test", dept, sales);
        var nof = await UserAsync(app, "nofiles@crm.test", noFiles, sales);
        var annsCompany = await CompanyAsync(app, "Ann's", ann.Id, sales);
        var annClient = await app.SignInAsync("ann@crm.test", Password);
        var upload = await annClient.UploadAsync("companies", annsCompany, "plan.txt", "secret plan"u8.ToArray());
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var fileId = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();

        var expectations = new Dictionary<string, bool> { ["ann@crm.test"] = true, ["dee@crm.test"] = true, ["bob@crm.test"] = false, ["nofiles@crm.test"] = false };
        foreach (var (email, sees) in expectations)
        {
            var client = await app.SignInAsync(email, Password);
            var status = sees ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/files/{fileId}")).StatusCode);
            Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/files/{fileId}/content")).StatusCode);
            Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/files/{fileId}/delete-impact")).StatusCode);
            Assert.Equal(status, (await client.Http.GetAsync($"/files/{fileId}")).StatusCode);
            Assert.Equal(status, (await client.Http.GetAsync($"/files/{fileId}/download")).StatusCode);
            Assert.Equal(status, (await client.Http.GetAsync($"/files/{fileId}/delete")).StatusCode);
            var all = await client.Http.GetAsync("/api/v1/files");
            Assert.Equal(sees ? [fileId] : [], await all.IdsAsync());
            var ofCompany = await client.Http.GetAsync($"/api/v1/files?module=companies&id={annsCompany}");
            if (email == "nofiles@crm.test")
            {
                // Sees the company but not files: an empty list, not the file.
                Assert.Empty(await ofCompany.IdsAsync());
            }
            else
            {
                Assert.Equal(sees ? HttpStatusCode.OK : HttpStatusCode.NotFound, ofCompany.StatusCode);
            }

            var listPage = await (await client.Http.GetAsync("/files")).Content.ReadAsStringAsync();
            Assert.Equal(sees, listPage.Contains("plan.txt", StringComparison.Ordinal));
            var userId = email switch { "ann@crm.test" => ann.Id, "bob@crm.test" => bob.Id, "dee@crm.test" => dee.Id, _ => nof.Id };
            var found = await app.InDatabaseAsync(async db =>
            {
                using var scope = app.Services.CreateScope();
                var lookup = scope.ServiceProvider.GetRequiredService<RecordLookups>().Of(CrmModules.Files.Key)!;
                return (await lookup.SearchAsync(FileKit.ActorFor(userId), "plan", 10, default)).Count + (await lookup.FindAsync(FileKit.ActorFor(userId), fileId, default) is null ? 0 : 1);
            });
            Assert.Equal(sees ? 2 : 0, found);
        }

        // Bob may not attach to a company he cannot see, and nothing is stored.
        var bobClient = await app.SignInAsync("bob@crm.test", Password);
        var refused = await bobClient.UploadAsync("companies", annsCompany, "x.txt", "x"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotEmpty(await refused.FieldErrorsAsync("id"));
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.Http.DeleteAsync($"/api/v1/files/{fileId}")).StatusCode);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));

        // Deleting the company lists the file and takes it (and its content) with it.
        var impact = await (await annClient.Http.GetAsync($"/api/v1/companies/{annsCompany}/delete-impact")).ReadJsonAsync();
        Assert.Contains(impact.GetProperty("alsoDeleted").EnumerateArray(), l => l.GetProperty("label").GetString() == "plan.txt");
        var (_, confirmation) = await annClient.GetPageAsync($"/companies/{annsCompany}/delete");
        Assert.Contains("plan.txt", confirmation.QuerySelector(".deleted-with-also")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await annClient.SubmitAsync(confirmation, new())).StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.FileObjects.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        // The company's delete is not the files feature's: the sweep removes the bytes once they are old enough.
        app.Clock.Advance(FileStore.OrphanAge + TimeSpan.FromMinutes(1));
        foreach (var path in FileKit.StoredPaths(app))
        {
            File.SetLastWriteTimeUtc(path, app.Clock.GetUtcNow().UtcDateTime - FileStore.OrphanAge - TimeSpan.FromMinutes(1));
        }

        await app.InDatabaseAsync(db => app.Services.GetRequiredService<FileStore>().SweepAsync(db, default));
        Assert.Empty(FileKit.StoredPaths(app));
    }

    [Fact]
    public async Task The_upload_form_on_a_record_page_attaches_a_file()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var company = await CompanyAsync(app, "Form", adminId, null);
        var (_, page) = await admin.GetPageAsync($"/companies/{company}");
        var form = page.QuerySelector(".files-panel form")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var body = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("companies"), "Module" },
            { new StringContent(company.ToString(System.Globalization.CultureInfo.InvariantCulture)), "Id" },
            { new ByteArrayContent("hello"u8.ToArray()), "Attachment", "hello.txt" },
        };
        var response = await admin.Http.PostAsync(form.GetAttribute("action"), body);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/companies/{company}", response.Headers.Location?.OriginalString);
        Assert.Contains("hello.txt", await (await admin.Http.GetAsync($"/companies/{company}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leads", "/leads/", """{"firstName":"Ada","lastName":"Lovelace","companyName":"Engines"}""")]
    [InlineData("deals", "/deals/", """{"title":"Big one","amount":"1234.50","currency":"EUR"}""")]
    [InlineData("products", "/products/", """{"code":"AB-1","name":"Anvil","price":"19.90","currency":"EUR"}""")]
    [InlineData("emails", "/emails/", """{"direction":"outgoing","from":"agent@crm.test","to":"a@example.com","subject":"Offer","body":"Hello","sentAt":"2026-11-20T10:30:00Z"}""")]
    public async Task Every_record_page_lists_its_files_and_attaches_new_ones(string module, string page, string record)
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.PostJsonAsync($"/api/v1/{module}", record);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        var url = $"{page}{id}";

        var (_, before) = await admin.GetPageAsync(url);
        var form = before.QuerySelector(".files-panel form")!;
        Assert.NotNull(form);
        Assert.Contains("No files you may see.", before.QuerySelector(".files-panel")!.TextContent, StringComparison.Ordinal);
        using var body = new MultipartFormDataContent
        {
            { new StringContent(form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
            { new StringContent(form.QuerySelector("input[name=Module]")!.GetAttribute("value")!), "Module" },
            { new StringContent(form.QuerySelector("input[name=Id]")!.GetAttribute("value")!), "Id" },
            { new ByteArrayContent("hello"u8.ToArray()), "Attachment", $"{module}.txt" },
        };
        var response = await admin.Http.PostAsync(form.GetAttribute("action"), body);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(url, response.Headers.Location?.OriginalString);
        var (_, after) = await admin.GetPageAsync(url);
        Assert.Equal($"{module}.txt", after.QuerySelector(".files-panel .files-list a")?.TextContent);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.FileObjects.CountAsync(f => f.RelatedModule == module && f.RelatedId == id)));
    }
}
