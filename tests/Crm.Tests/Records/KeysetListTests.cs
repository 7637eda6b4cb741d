using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Contacts;
using Crm.Web.Records;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>
/// The shared keyset paging, through the list APIs, for every kind of sort key the modules declare:
/// text (deal titles, product names), a lower-cased key column (product codes), a number (deal
/// amounts), a time read newest first (emails) and the ID alone. Many ties on each key make pages
/// end in the middle of a run of equal keys.
/// </summary>
public sealed class KeysetListTests
{
    [Fact]
    public async Task Small_pages_forwards_and_backwards_give_the_order_of_one_large_page_for_every_sort_kind()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        for (var i = 0; i < 11; i++)
        {
            await DealAsync(app, $"Deal {i % 3}", adminId, null, amount: i % 4 * 100);
            // Codes in both cases: the code sort reads the lower-cased key (upper case would sort first by the code itself), the cursor too.
            await ProductAsync(app, i % 2 == 0 ? $"code-{i}" : $"CODE-{i}", $"Product {i % 2}", adminId, null);
            await EmailAsync(app, $"Email {i}", adminId, null);
            if (i % 4 == 3)
            {
                app.Clock.Advance(TimeSpan.FromMinutes(5));
            }
        }

        foreach (var list in new[]
        {
            "/api/v1/deals?sort=title", "/api/v1/deals?sort=amount", "/api/v1/deals?sort=id",
            "/api/v1/products?sort=name", "/api/v1/products?sort=code", "/api/v1/products?sort=id",
            "/api/v1/emails?sort=sent", "/api/v1/emails?sort=id",
        })
        {
            var (whole, _, _) = await PageAsync(admin, list, 100, null);
            Assert.Equal(11, whole.Count);

            var pages = new List<(List<int> Ids, string? Previous)>();
            string? next = null;
            do
            {
                Assert.True(pages.Count < 20, $"{list}: the walk does not end");
                var (ids, nextCursor, previous) = await PageAsync(admin, list, 3, next);
                pages.Add((ids, previous));
                next = nextCursor;
            }
            while (next is not null);

            Assert.Equal(whole, pages.SelectMany(p => p.Ids));
            Assert.Null(pages[0].Previous);

            // From the last page back to the first through the previous cursors: the same pages.
            var back = pages.Count - 1;
            var before = pages[back].Previous;
            while (before is not null)
            {
                var (ids, _, previous) = await PageAsync(admin, list, 3, before);
                Assert.Equal(pages[--back].Ids, ids);
                before = previous;
            }

            Assert.Equal(0, back);
        }
    }

    [Fact]
    public async Task The_keyset_predicate_starts_an_index_range_and_sends_cursor_values_as_parameters()
    {
        await using var app = new CrmApp();
        var cursor = new ListCursor(ListContacts.SortByName, true, 5, ["Zebulon-keyset", "Ann-keyset"]).Encode();
        var errors = new FieldErrors();
        var page = ListContacts.Keyset.Start(errors, ListContacts.SortByName, cursor, 10);
        Assert.False(errors.Any);

        var sql = await app.InDatabaseAsync(db => Task.FromResult(page.Read(db.Contacts).ToQueryString()));
        // The parameters' values are listed first (".param set" on SQLite, "-- @" on PostgreSQL); the statement must not carry them.
        var statement = string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal) && !l.StartsWith("--", StringComparison.Ordinal)));
        Assert.DoesNotContain("keyset", statement, StringComparison.Ordinal);
        Assert.Contains(">=", statement, StringComparison.Ordinal);
        Assert.Contains("LIMIT", statement, StringComparison.Ordinal);
    }

    private static async Task<(List<int> Ids, string? Next, string? Previous)> PageAsync(PageClient client, string list, int size, string? cursor)
    {
        var response = await client.Http.GetAsync($"{list}&pageSize={size}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        return ([.. json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32())], json.Text("nextCursor"), json.Text("previousCursor"));
    }
}
