using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Import;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Import;

/// <summary>An app whose import worker does not run on its own: the tests run each waiting import themselves, as they drive the scheduler.</summary>
public sealed class ImportApp : CrmApp
{
    public ImportApp()
    {
        With("Import:RunInBackground", "false");
    }
}

/// <summary>The import wizard's steps through the API, for the tests.</summary>
public static class ImportKit
{
    public static async Task<HttpResponseMessage> UploadAsync(PageClient client, string module, string fileName, byte[] content)
    {
        var form = new MultipartFormDataContent { { new StringContent(module), "module" } };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return await client.Http.PostAsync("/api/v1/imports", form);
    }

    public static async Task<JsonElement> StartAsync(PageClient client, string module, string fileName, string csv) =>
        await StartAsync(client, module, fileName, Encoding.UTF8.GetBytes(csv));

    public static async Task<JsonElement> StartAsync(PageClient client, string module, string fileName, byte[] content)
    {
        var response = await UploadAsync(client, module, fileName, content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>Sets the choices, runs the dry run to its end, and answers the import as it then is.</summary>
    public static async Task<JsonElement> CheckAsync(CrmApp app, PageClient client, int id, string choices)
    {
        var response = await client.PostJsonAsync($"/api/v1/imports/{id}/check", choices);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await RunWaitingAsync(app);
        return await GetAsync(client, id);
    }

    public static async Task<JsonElement> ConfirmAsync(CrmApp app, PageClient client, int id)
    {
        var response = await client.PostJsonAsync($"/api/v1/imports/{id}/confirm", "{}");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await RunWaitingAsync(app);
        return await GetAsync(client, id);
    }

    public static async Task<JsonElement> UndoAsync(CrmApp app, PageClient client, int id)
    {
        var response = await client.PostJsonAsync($"/api/v1/imports/{id}/undo", "{}");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await RunWaitingAsync(app);
        return await GetAsync(client, id);
    }

    public static async Task<JsonElement> GetAsync(PageClient client, int id)
    {
        var response = await client.Http.GetAsync($"/api/v1/imports/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<List<JsonElement>> RowsAsync(PageClient client, int id, string? outcome = null)
    {
        var rows = new List<JsonElement>();
        int? after = null;
        do
        {
            var page = await (await client.Http.GetAsync($"/api/v1/imports/{id}/rows?pageSize=500{(outcome is null ? "" : "&outcome=" + outcome)}{(after is null ? "" : "&afterRow=" + after)}")).ReadJsonAsync();
            rows.AddRange(page.GetProperty("rows").EnumerateArray());
            after = page.GetProperty("nextAfterRow").ValueKind == JsonValueKind.Number ? page.GetProperty("nextAfterRow").GetInt32() : null;
        }
        while (after is not null);

        return rows;
    }

    /// <summary>Runs every waiting check, import and undo to its end.</summary>
    public static async Task RunWaitingAsync(CrmApp app)
    {
        var worker = app.Services.GetRequiredService<ImportWorker>();
        while (await worker.RunNextAsync(CancellationToken.None))
        {
        }
    }

    /// <summary>"row 17: Email: …" for each problem, to compare in one assertion.</summary>
    public static List<string> Problems(IEnumerable<JsonElement> rows) =>
        [.. rows.SelectMany(r => r.GetProperty("problems").EnumerateArray().Select(p =>
            $"row {r.GetProperty("row").GetInt32()}: {p.GetProperty("column").GetString()}: {p.GetProperty("message").GetString()}"))];
}
