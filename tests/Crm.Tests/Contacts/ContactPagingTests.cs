using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Contacts;

public sealed class ContactPagingTests
{
    [Fact]
    public async Task Keyset_paging_over_last_and_first_name_returns_every_contact_exactly_once()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var expected = new List<int>();
        for (var i = 0; i < 33; i++)
        {
            // Few distinct last and first names: ties on both keys cross page boundaries.
            expected.Add(await ContactAsync(app, $"F{i % 2}", $"L{i % 3}", null, adminId, null));
        }

        var seen = new List<int>();
        var pages = new List<(string? Previous, List<int> Ids)>();
        string? cursor = null;
        do
        {
            var response = await admin.Http.GetAsync("/api/v1/contacts?pageSize=7" + (cursor is null ? "" : $"&cursor={cursor}"));
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
        var back = await (await admin.Http.GetAsync($"/api/v1/contacts?pageSize=7&cursor={pages[^1].Previous}")).ReadJsonAsync();
        Assert.Equal(pages[^2].Ids, back.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
    }
}
