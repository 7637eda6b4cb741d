using System.Net;
using System.Text.Json.Nodes;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;

namespace Crm.Tests.Files;

/// <summary>
/// A file object's history, on its page and through the API: the entries the audit writes under
/// the module's name ("files") and those earlier versions wrote under "file-object", which the
/// hash chain keeps as they were written.
/// </summary>
public sealed class FileHistoryTests
{
    [Fact]
    public async Task A_file_objects_history_shows_its_entries_under_the_module_name_and_the_former_one()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var company = (await (await admin.PostJsonAsync("/api/v1/companies", """{"name":"Acme"}""")).ReadJsonAsync()).GetProperty("id").GetInt32();
        var uploaded = await admin.UploadAsync("companies", company, "notes.txt", "hello"u8.ToArray());
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var file = (await uploaded.ReadJsonAsync()).GetProperty("id").GetInt32();
        var key = file.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // An entry as versions before this one wrote it for a file object.
        await app.InDatabaseAsync(async db =>
        {
            db.AuditEntries.Add(AuditCapture.New(AuditWho.System, app.Clock.GetUtcNow().UtcDateTime, "file-object", key, "notes.txt", AuditActions.Updated,
                new JsonObject { ["name"] = new JsonObject { ["old"] = "draft.txt", ["new"] = "notes.txt" } }));
            return await db.SaveChangesAsync();
        });

        var history = await (await admin.Http.GetAsync($"/api/v1/files/{file}/history")).ReadJsonAsync();
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["updated", "created"], items.Select(i => i.GetProperty("action").GetString()));
        Assert.Equal("draft.txt", items[0].GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "name").GetProperty("old").GetString());
        Assert.Contains(items[1].GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == "name" && c.GetProperty("new").GetString() == "notes.txt");

        var (response, document) = await admin.GetPageAsync($"/history/files/{file}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, document.QuerySelectorAll("#history > tbody > tr").Length);

        // Deleted, its history stays readable for an administrator, new and old entries alike.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/files/{file}")).StatusCode);
        var gone = await (await admin.Http.GetAsync($"/api/v1/files/{file}/history")).ReadJsonAsync();
        Assert.True(gone.GetProperty("deleted").GetBoolean());
        Assert.Equal(["deleted", "updated", "created"], gone.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()));
    }
}
