using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Tests.Records;
using Crm.Tests.Sharing;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Profiles;

/// <summary>
/// Permission profiles (issue 29) through the front door, on one app: a new organisation's default
/// roles are built on shipped profiles with exactly the rights they had before profiles; building
/// a role on a profile and editing the profile reach its holders on their next request, and the
/// what-if preview (<c>?dryRun=true</c>, and the pages' Preview) counts exactly the deals each
/// person then gains or loses; the explainer names the profile; bad input changes nothing; a
/// profile in use cannot be deleted.
/// </summary>
public sealed class ProfileTests
{
    [Fact]
    public async Task Profiles_shape_roles_preview_exactly_and_refuse_bad_input()
    {
        await using var app = new CrmApp();

        // A new organisation: each default role is built on one shipped profile and has the grants it had before profiles.
        var (roles, own, used, shipped, profileGrants) = await app.InDatabaseAsync(async db => (
            await db.Roles.AsNoTracking().ToListAsync(), await db.RoleGrants.AsNoTracking().ToListAsync(), await db.RoleProfiles.AsNoTracking().ToListAsync(),
            await db.Profiles.AsNoTracking().ToListAsync(), await db.ProfileGrants.AsNoTracking().ToListAsync()));
        var defaults = roles.Select(r => new
        {
            r.Name,
            Own = own.Where(g => g.RoleId == r.Id).Select(g => (g.Module, g.Action, g.Scope)).ToList(),
            Profiles = used.Where(rp => rp.RoleId == r.Id).Select(rp => shipped.Single(p => p.Id == rp.ProfileId).Name).ToList(),
            Inherited = used.Where(rp => rp.RoleId == r.Id).SelectMany(rp => profileGrants.Where(g => g.ProfileId == rp.ProfileId)).Select(g => (g.Module, g.Action, g.Scope)).ToList(),
        }).ToList();
        var expected = ProfileMigrationTests.DefaultRoleGrantsBeforeProfiles;
        Assert.Equal(expected.Select(g => g.Role).Distinct().Order(StringComparer.Ordinal), defaults.Select(r => r.Name).Order(StringComparer.Ordinal));
        foreach (var defaultRole in defaults)
        {
            var effective = defaultRole.Own.Concat(defaultRole.Inherited).GroupBy(g => (g.Module, g.Action)).Select(g => $"{g.Key.Module}|{g.Key.Action}|{g.Max(x => x.Scope)}").Order(StringComparer.Ordinal);
            Assert.Equal(expected.Where(g => g.Role == defaultRole.Name).Select(g => $"{g.Module}|{g.Action}|{g.Scope}").Order(StringComparer.Ordinal), effective);
            Assert.Equal(defaultRole.Name == "Administrator" ? 0 : 1, defaultRole.Profiles.Count);
        }

        Assert.Equal(["AR accountant"], defaults.Single(r => r.Name == "Accountant").Profiles);
        Assert.Equal(["HR administrator"], defaults.Single(r => r.Name == "HR").Profiles);
        Assert.Equal(["Sales agent"], defaults.Single(r => r.Name == "Sales agent").Profiles);

        var org = await SharingOrg.CreateAsync(app);
        var people = new Dictionary<string, Guid> { ["owner"] = org.Owner, ["ann"] = org.Ann, ["bob"] = org.Bob, ["cid"] = org.Cid, ["dan"] = org.Dan, ["eve"] = org.Eve };
        await ObjectKit.DealAsync(app, "Owner's", org.Owner, org.Sales);
        await ObjectKit.DealAsync(app, "Cid's", org.Cid, org.Sales);
        await ObjectKit.DealAsync(app, "Ann's", org.Ann, org.SupportDesk);
        await ObjectKit.DealAsync(app, "Bob's", org.Bob, org.Support);
        await ObjectKit.DealAsync(app, "Eve's", org.Eve, null);
        var admin = await app.SignInAsAdminAsync();
        var clients = new Dictionary<string, PageClient>();
        foreach (var person in people.Keys)
        {
            clients[person] = await app.SignInAsync($"{person}@crm.test", Password);
        }

        async Task<Dictionary<string, List<int>>> ListsAsync()
        {
            var lists = new Dictionary<string, List<int>>();
            foreach (var (person, client) in clients)
            {
                lists[person] = await client.ListIdsAsync("/api/v1/deals");
            }

            return lists;
        }

        // Previews, then saves: the preview changes nothing, and its per-person counts are what the deal lists then show.
        async Task StepAsync(string what, Func<string, Task<HttpResponseMessage>> send, params string[] changed)
        {
            var before = await ListsAsync();
            var previewed = await send("?dryRun=true");
            Assert.True(previewed.StatusCode == HttpStatusCode.OK, $"{what}: the preview answered {previewed.StatusCode}: {await previewed.Content.ReadAsStringAsync()}");
            var preview = await previewed.ReadJsonAsync();
            Assert.Equal(before, await ListsAsync());
            var saved = await send("");
            Assert.True(saved.IsSuccessStatusCode, $"{what}: the save answered {saved.StatusCode}");
            var after = await ListsAsync();
            var users = preview.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetGuid());
            foreach (var (person, id) in people)
            {
                var (gained, lost) = (after[person].Except(before[person]).Count(), before[person].Except(after[person]).Count());
                var deals = users.TryGetValue(id, out var user)
                    ? user.GetProperty("records").EnumerateArray().FirstOrDefault(r => r.GetProperty("module").GetString() == "deals")
                    : default;
                var said = deals.ValueKind == JsonValueKind.Object ? (deals.GetProperty("gained").GetInt32(), deals.GetProperty("lost").GetInt32()) : (0, 0);
                Assert.True((gained, lost) == said, $"{what}: {person} gained {gained} and lost {lost} deals, the preview said {said}");
                Assert.True(changed.Contains(person) == (gained + lost > 0), $"{what}: {person} {(gained + lost > 0 ? "saw a change" : "saw none")}");
            }
        }

        // A profile: sellers' department deals. Creating it changes nobody; building the Seller role on it does.
        var created = await admin.Http.PostAsJsonAsync("/api/v1/profiles", new
        {
            name = "Deal watchers", description = "Sees the department's deals.",
            grants = new[] { new { module = "deals", action = "view", scope = "Department" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var profile = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        await StepAsync("role profiles", q => admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/profiles{q}", new[] { profile }), "owner", "cid", "dan");
        var role = await (await admin.Http.GetAsync($"/api/v1/roles/{org.Seller}")).ReadJsonAsync();
        Assert.Equal(new[] { profile }, role.GetProperty("profileIds").EnumerateArray().Select(e => e.GetInt32()));

        // Editing the profile changes every role built on it at once: the Agent role too, once it uses it.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Agent}/profiles", new[] { profile })).StatusCode);
        await StepAsync("profile grants", q => admin.Http.PutAsJsonAsync($"/api/v1/profiles/{profile}{q}", new
        {
            name = "Deal watchers", description = "Sees every deal.",
            grants = new[] { new { module = "deals", action = "view", scope = "All" } },
        }), "owner", "cid", "dan", "ann");
        var read = await (await admin.Http.GetAsync($"/api/v1/profiles/{profile}")).ReadJsonAsync();
        Assert.Equal(["Agent", "Seller"], read.GetProperty("roles").EnumerateArray().Select(r => r.Text("name")!));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == ActivityKinds.PermissionChanged).Select(e => e.Summary).ToListAsync()),
            s => s.StartsWith("Changed profile Deal watchers (roles Agent, Seller): deals view: Department → All", StringComparison.Ordinal));

        // The explainer names the profile and the role it came through.
        var explained = await (await admin.Http.GetAsync($"/api/v1/access/explain?userId={org.Cid}&module=deals&action=view")).ReadJsonAsync();
        Assert.Contains(explained.GetProperty("steps").EnumerateArray().Select(s => s.Text("sentence")),
            s => s == "Profile 'Deal watchers' via role 'Seller' grants view on Deals with scope All.");

        // Bad input: a clear message per field, and nothing changed.
        var snapshot = await app.InDatabaseAsync(async db => (await db.Profiles.CountAsync(), await db.ProfileGrants.CountAsync(), await db.RoleProfiles.CountAsync()));
        var unknown = await admin.Http.PostAsJsonAsync("/api/v1/profiles", new { name = "Spaceships", grants = new[] { new { module = "spaceships", action = "fly", scope = "All" }, new { module = "deals", action = "fly", scope = "All" } } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(["'spaceships: fly' is not a permission the CRM knows.", "'deals: fly' is not a permission the CRM knows."], await unknown.FieldErrorsAsync("grants"));
        var duplicate = await admin.Http.PostAsJsonAsync("/api/v1/profiles?dryRun=true", new { name = "deal WATCHERS" });
        Assert.Equal(["Another profile already has this name."], await duplicate.FieldErrorsAsync("name"));
        var huge = await admin.Http.PutAsJsonAsync($"/api/v1/profiles/{profile}", new { name = new string('x', 10_000) });
        Assert.Equal(["Name must be at most 100 characters."], await huge.FieldErrorsAsync("name"));
        var badField = await admin.Http.PutAsJsonAsync($"/api/v1/profiles/{profile}", new { name = "Deal watchers", fieldRules = new[] { new { module = "deals", field = "secret", access = "Hidden" } } });
        Assert.Equal(["'deals.secret' is not a field that can be restricted."], await badField.FieldErrorsAsync("fieldRules"));
        var missing = await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/profiles", new[] { profile, 999_999 });
        Assert.Equal(["No profile has the ID 999999: choose among the existing profiles."], await missing.FieldErrorsAsync("profileIds"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.PutAsJsonAsync("/api/v1/profiles/999999", new { name = "Ghost" })).StatusCode);
        Assert.Equal(snapshot, await app.InDatabaseAsync(async db => (await db.Profiles.CountAsync(), await db.ProfileGrants.CountAsync(), await db.RoleProfiles.CountAsync())));
        Assert.Equal("Sees every deal.", (await (await admin.Http.GetAsync($"/api/v1/profiles/{profile}")).ReadJsonAsync()).Text("description"));

        // Only administrators manage profiles.
        Assert.Equal(HttpStatusCode.Forbidden, (await clients["cid"].Http.GetAsync("/api/v1/profiles")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clients["cid"].Http.PostAsJsonAsync("/api/v1/profiles", new { name = "Mine" })).StatusCode);

        // A profile in use cannot be deleted, and the message says which roles use it.
        var refused = await admin.Http.DeleteAsync($"/api/v1/profiles/{profile}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Profile Deal watchers cannot be deleted: roles Agent, Seller are built on it. Take it off those roles first.", (await refused.ReadJsonAsync()).Text("title"));

        // The pages: the list names the roles using each profile; Preview on the profile's page shows the what-if and saves nothing.
        var (_, list) = await admin.GetPageAsync("/admin/profiles");
        var row = list.QuerySelectorAll("#profiles tbody tr").Single(r => r.QuerySelector("a")!.TextContent == "Deal watchers");
        Assert.Equal(["Agent", "Seller"], row.QuerySelectorAll("td:last-child a").Select(a => a.TextContent));
        var before = await ListsAsync();
        var (page, document) = await PostThroughButtonAsync(admin, $"/admin/profiles/{profile}", "Preview", new()
        {
            ["Input.Name"] = "Deal watchers", ["Grants[deals:view]"] = "Own",
        });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("lose sight of", document.QuerySelector("#what-if")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Own", document.QuerySelector<IHtmlSelectElement>("select[name='Grants[deals:view]']")!.Value);
        Assert.Equal(before, await ListsAsync());
        var (_, rolePage) = await admin.GetPageAsync($"/admin/roles/{org.Seller}");
        Assert.True(rolePage.QuerySelector<IHtmlInputElement>($"input[name='ProfileIds'][value='{profile}']")!.IsChecked);

        // Taken off both roles, it can go; the list of profiles no longer has it.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/profiles", Array.Empty<int>())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Agent}/profiles", Array.Empty<int>())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/profiles/{profile}")).StatusCode);
        Assert.DoesNotContain((await (await admin.Http.GetAsync("/api/v1/profiles")).ReadJsonAsync()).EnumerateArray(), p => p.Text("name") == "Deal watchers");
    }

    /// <summary>Posts the form of the button for <paramref name="handler"/> through that button, with the page's antiforgery token and <paramref name="values"/>.</summary>
    private static async Task<(HttpResponseMessage Response, IDocument Document)> PostThroughButtonAsync(PageClient client, string url, string handler, Dictionary<string, string> values)
    {
        var (_, document) = await client.GetPageAsync(url);
        var button = document.QuerySelectorAll<IHtmlButtonElement>("button[formaction]")
            .Single(b => b.GetAttribute("formaction")!.EndsWith("handler=" + handler, StringComparison.Ordinal));
        var token = button.Form!.QuerySelector<IHtmlInputElement>("input[name='__RequestVerificationToken']")!.Value;
        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. values]);
        var response = await client.Http.PostAsync(button.GetAttribute("formaction"), content);
        var html = await response.Content.ReadAsStringAsync();
        return (response, await BrowsingContext.New().OpenAsync(r => r.Content(html)));
    }
}
