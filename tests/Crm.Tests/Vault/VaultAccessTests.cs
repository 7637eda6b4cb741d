using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Tests.Sharing;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Vault;

/// <summary>
/// Who reaches a vault entry (issue 27): a grant on the entry or on its category, to a user, a group,
/// a role (alone or with the roles below it) or a department, "view" or "edit", reaches exactly the
/// people a record share to the same target would; everyone else gets a 404 on every path (list,
/// page, API read, reveal, copy, edit, delete), and a withdrawn grant closes the entry at once.
/// </summary>
[Slow]
public sealed class VaultAccessTests
{
    public static TheoryData<string, string, string, string[]> Grants => new()
    {
        { "user ann", "category", "view", ["ann"] },
        { "group Key accounts", "category", "view", ["ann", "cid"] },
        { "role Agent", "entry", "view", ["ann"] },
        { "role Lead", "category", "edit", ["bob"] },
        { "role Lead and below", "category", "edit", ["ann", "bob"] },
        // A department grant reaches its members and the heads of the departments above it.
        { "department Support desk", "entry", "edit", ["ann", "bob"] },
    };

    [Theory]
    [MemberData(nameof(Grants))]
    public async Task A_grant_opens_the_entry_on_every_path_to_exactly_those_it_reaches(string target, string place, string access, string[] reached)
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var admin = await app.SignInAsAdminAsync();
        var category = await VaultKit.CategoryAsync(admin, "Network");
        var entry = await VaultKit.EntryAsync(admin, category, "Core router", "Granite-Falcon-6402");
        var grant = await VaultKit.GrantAsync(admin, place, place == "category" ? category : entry, org.TargetJson(target), access);

        foreach (var person in SharingOrg.People)
        {
            var client = await app.SignInAsync($"{person}@crm.test", Password);
            var why = $"{person} ({target} on the {place}, {access})";
            if (reached.Contains(person))
            {
                await AssertReachesAsync(client, why, entry, category, edits: access == "edit");
            }
            else
            {
                await AssertHiddenAsync(client, why, entry);
            }
        }

        // Withdrawn: the next request of everyone it reached is a 404.
        var url = place == "category" ? $"/api/v1/vault/categories/{category}/grants/{grant}" : $"/api/v1/vault/{entry}/grants/{grant}";
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync(url)).StatusCode);
        foreach (var person in reached)
        {
            await AssertHiddenAsync(await app.SignInAsync($"{person}@crm.test", Password), $"{person} after the grant was withdrawn", entry);
        }
    }

    private static async Task AssertReachesAsync(PageClient client, string why, int entry, int category, bool edits)
    {
        var list = await (await client.Http.GetAsync("/api/v1/vault")).ReadJsonAsync();
        Assert.True(list.EnumerateArray().Any(e => e.GetProperty("id").GetInt32() == entry), $"{why}: not in the API's list");
        var (_, page) = await client.GetPageAsync("/vault");
        Assert.True(page.QuerySelector($"#vault-entries tr[data-entry-id='{entry}']") is not null, $"{why}: not on the list page");
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/api/v1/vault/{entry}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/vault/{entry}")).StatusCode);

        var revealed = await client.PostJsonAsync($"/api/v1/vault/{entry}/reveal", "{}");
        Assert.True(revealed.StatusCode == HttpStatusCode.OK, $"{why}: reveal answered {revealed.StatusCode}");
        Assert.Equal("Granite-Falcon-6402", (await revealed.ReadJsonAsync()).GetProperty("password").GetString());
        var (revealPage, revealDocument) = await VaultKit.PostEntryAsync(client, entry, "Reveal");
        Assert.Equal(HttpStatusCode.OK, revealPage.StatusCode);
        Assert.Equal("Granite-Falcon-6402", revealDocument.QuerySelector("#revealed-password")?.GetAttribute("value"));

        // View may not change; edit may, and may add to the category only with edit on the category itself.
        var change = await client.PutJsonAsync($"/api/v1/vault/{entry}", $$"""{"name":"Core router","categoryId":{{category}}}""");
        Assert.True(change.StatusCode == (edits ? HttpStatusCode.OK : HttpStatusCode.Forbidden), $"{why}: a change answered {change.StatusCode}");
        var editPage = await client.Http.GetAsync($"/vault/{entry}/edit");
        Assert.True(editPage.StatusCode == (edits ? HttpStatusCode.OK : HttpStatusCode.Forbidden), $"{why}: the edit page answered {editPage.StatusCode}");
    }

    private static async Task AssertHiddenAsync(PageClient client, string why, int entry)
    {
        var list = await (await client.Http.GetAsync("/api/v1/vault")).ReadJsonAsync();
        Assert.False(list.EnumerateArray().Any(e => e.GetProperty("id").GetInt32() == entry), $"{why}: in the API's list");
        var (_, page) = await client.GetPageAsync("/vault");
        Assert.True(page.QuerySelector($"#vault-entries tr[data-entry-id='{entry}']") is null, $"{why}: on the list page");

        var answers = new Dictionary<string, HttpStatusCode>
        {
            ["page"] = (await client.Http.GetAsync($"/vault/{entry}")).StatusCode,
            ["edit page"] = (await client.Http.GetAsync($"/vault/{entry}/edit")).StatusCode,
            ["API read"] = (await client.Http.GetAsync($"/api/v1/vault/{entry}")).StatusCode,
            ["API reveal"] = (await client.PostJsonAsync($"/api/v1/vault/{entry}/reveal", "{}")).StatusCode,
            ["API copy"] = (await client.PostJsonAsync($"/api/v1/vault/{entry}/copy", "{}")).StatusCode,
            ["API change"] = (await client.PutJsonAsync($"/api/v1/vault/{entry}", """{"name":"Mine now","categoryId":1}""")).StatusCode,
            ["API delete"] = (await client.Http.DeleteAsync($"/api/v1/vault/{entry}")).StatusCode,
            ["page reveal"] = (await VaultKit.PostEntryAsync(client, entry, "Reveal")).Response.StatusCode,
            ["page copy"] = (await VaultKit.PostEntryAsync(client, entry, "Copy")).Response.StatusCode,
            ["page delete"] = (await VaultKit.PostEntryAsync(client, entry, "Delete")).Response.StatusCode,
        };
        Assert.All(answers, a => Assert.True(a.Value == HttpStatusCode.NotFound, $"{why}: {a.Key} answered {a.Value}"));
    }
}
