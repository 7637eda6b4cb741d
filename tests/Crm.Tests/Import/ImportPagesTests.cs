using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// The import wizard through its pages (issue 26), on the same use cases as the API: upload with the
/// form (antiforgery included), the mapping proposed in the selects, the check listing each refused
/// cell, Confirm offered only when nothing is refused, the import, and Undo; the Import button on a
/// module's list.
/// </summary>
public sealed class ImportPagesTests(ImportApp app) : IClassFixture<ImportApp>
{
    [Fact]
    public async Task The_wizard_pages_upload_check_import_and_undo()
    {
        var admin = await app.SignInAsAdminAsync();
        var (_, list) = await admin.GetPageAsync("/leads");
        Assert.NotNull(list.QuerySelector("a[href='/import?module=leads']"));

        var (_, start) = await admin.GetPageAsync("/import?module=leads");
        Assert.Equal("leads", start.QuerySelector<IHtmlSelectElement>("#Module")!.Value);
        // The backup the seed advises before a large import is one click away, and it is the module's real export.
        var backup = start.QuerySelector<IHtmlAnchorElement>("a[href='/api/v1/leads/export?format=xlsx']");
        Assert.NotNull(backup);
        using (var workbook = await admin.Http.GetAsync(backup.GetAttribute("href")))
        {
            Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
            Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook.Content.Headers.ContentType?.MediaType);
        }

        var token = start.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var csv = "First name,Last name,Email,Status,Note to self\r\nLena,Lamb,lena@example.com,qualified,call\r\nLou,,lou@example.com,hot,\r\n";
        var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("leads"), "Module" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "Upload", "leads.csv");
        var uploaded = await admin.Http.PostAsync("/import", form);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var runUrl = uploaded.Headers.Location!.OriginalString;

        // The mapping as proposed: by name, the unknown column ignored.
        var (_, mapping) = await admin.GetPageAsync(runUrl);
        var selects = mapping.QuerySelectorAll<IHtmlSelectElement>("select[name^=Targets]").Select(s => s.Value ?? "").ToList();
        Assert.Equal(["firstName", "lastName", "email", "status", ""], selects);
        var values = new Dictionary<string, string> { ["Mode"] = "create", ["MatchKey"] = "id", ["IgnoreUnmapped"] = "true" };
        for (var i = 0; i < selects.Count; i++)
        {
            values[$"Targets[{i}]"] = selects[i];
        }

        var missingConfirmation = await admin.SubmitAsync(mapping, new Dictionary<string, string>(values) { ["IgnoreUnmapped"] = "false" }, "form[action*=Check]");
        Assert.Equal(HttpStatusCode.OK, missingConfirmation.StatusCode);
        Assert.Contains("\"Note to self\"", (await PageClient.ParseAsync(await missingConfirmation.Content.ReadAsStringAsync())).ValidationMessages().Single(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(mapping, values, "form[action*=Check]")).StatusCode);
        await RunWaitingAsync(app);
        var (_, checkedPage) = await admin.GetPageAsync(runUrl);
        var problems = checkedPage.QuerySelectorAll("tr.import-problem").Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains("3 | Last name | Last name is required.", problems);
        Assert.Contains(problems, p => p.StartsWith("3 | Status |", StringComparison.Ordinal));
        Assert.Null(checkedPage.QuerySelector("form[action*=Confirm]"));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Leads.CountAsync(l => l.Email == "lena@example.com")));

        // Without the bad row the check passes, Confirm imports, Undo removes it again.
        var fixedCsv = "First name,Last name,Email,Status\r\nLena,Lamb,lena@example.com,qualified\r\n";
        var id = (await StartAsync(admin, "leads", "leads-fixed.csv", fixedCsv)).GetProperty("id").GetInt32();
        var (_, fixedMapping) = await admin.GetPageAsync($"/import/{id}");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(fixedMapping, new Dictionary<string, string>
        {
            ["Targets[0]"] = "firstName", ["Targets[1]"] = "lastName", ["Targets[2]"] = "email", ["Targets[3]"] = "status", ["Mode"] = "create", ["MatchKey"] = "id",
        }, "form[action*=Check]")).StatusCode);
        await RunWaitingAsync(app);
        var (_, ready) = await admin.GetPageAsync($"/import/{id}");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(ready, [], "form[action*=Confirm]")).StatusCode);
        await RunWaitingAsync(app);
        var (_, done) = await admin.GetPageAsync($"/import/{id}");
        Assert.Equal("imported", done.QuerySelector("[data-status]")!.GetAttribute("data-status"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Leads.CountAsync(l => l.Email == "lena@example.com")));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(done, [], "form[action*=Undo]")).StatusCode);
        await RunWaitingAsync(app);
        var (_, undone) = await admin.GetPageAsync($"/import/{id}");
        Assert.Equal("undone", undone.QuerySelector("[data-status]")!.GetAttribute("data-status"));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Leads.CountAsync(l => l.Email == "lena@example.com")));

        // Another person's import is not found on its page.
        await app.CreateUserAsync("other.importer@crm.test", "Other-Importer-1");
        var other = await app.SignInAsync("other.importer@crm.test", "Other-Importer-1");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetPageAsync($"/import/{id}")).Response.StatusCode);
    }
}
