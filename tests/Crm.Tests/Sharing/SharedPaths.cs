using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Tests.Records;

namespace Crm.Tests.Sharing;

/// <summary>Whether a person sees a deal on every path a record is reached by, and can change it.</summary>
public static class SharedPaths
{
    /// <summary>
    /// The deal is in the person's list (API and page), search and CSV export, and its API answer, page,
    /// history, files list and sharing page answer 200 — or it is on none of them and each is a 404.
    /// </summary>
    public static async Task AssertSeesAsync(PageClient client, string who, int dealId, string title, bool sees)
    {
        Assert.True(sees == (await client.ListIdsAsync("/api/v1/deals")).Contains(dealId), $"{who}: deal list");
        var page = await client.Http.GetStringAsync("/deals");
        Assert.True(sees == page.Contains(title, StringComparison.Ordinal), $"{who}: deal list page");
        Assert.True(sees == (await client.SearchAsync("deals", title)).Contains(title), $"{who}: search");
        var export = await client.ExportAsync("/api/v1/deals/export", "csv");
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.True(sees == export.Ids.Contains(dealId), $"{who}: export");
        foreach (var url in new[] { $"/api/v1/deals/{dealId}", $"/deals/{dealId}", $"/history/deals/{dealId}", $"/api/v1/files?module=deals&id={dealId}", $"/sharing/deals/{dealId}", $"/api/v1/deals/{dealId}/shares" })
        {
            var status = (await client.Http.GetAsync(url)).StatusCode;
            Assert.True((sees ? HttpStatusCode.OK : HttpStatusCode.NotFound) == status, $"{who}: {url} answered {status}");
        }
    }

    /// <summary>The edit page opens exactly with edit access; nobody but the owner's side may delete (403 when seen, 404 when not).</summary>
    public static async Task AssertChangesAsync(PageClient client, string who, int dealId, bool sees, bool edits)
    {
        var edit = (await client.Http.GetAsync($"/deals/{dealId}/edit")).StatusCode;
        Assert.True((!sees ? HttpStatusCode.NotFound : edits ? HttpStatusCode.OK : HttpStatusCode.Forbidden) == edit, $"{who}: edit page answered {edit}");
        var delete = (await client.Http.DeleteAsync($"/api/v1/deals/{dealId}")).StatusCode;
        Assert.True((sees ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound) == delete, $"{who}: delete answered {delete}");
    }
}
