using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.ApiTokens;

/// <summary>Token scopes: what a token may is what both its scopes and its user's permissions allow, never more.</summary>
public sealed class TokenScopeTests
{
    private static readonly string[] Actions = [PermissionAction.View, PermissionAction.Create, PermissionAction.Edit, PermissionAction.Delete, PermissionAction.Export];

    // The user's grants and the token's scopes overlap on some actions of some modules only, so each
    // kind of cell is there: in both, in the user's grants only, in the scopes only, in neither.
    private static readonly Dictionary<string, string[]> s_userMay = new()
    {
        ["leads"] = [PermissionAction.View, PermissionAction.Create, PermissionAction.Edit, PermissionAction.Export],
        ["deals"] = [PermissionAction.View, PermissionAction.Edit, PermissionAction.Delete],
        ["products"] = [],
    };

    private static readonly Dictionary<string, string[]> s_scopes = new()
    {
        ["leads"] = [PermissionAction.View, PermissionAction.Create, PermissionAction.Delete],
        ["deals"] = [PermissionAction.Edit, PermissionAction.Create, PermissionAction.View],
        ["products"] = [PermissionAction.View],
    };

    [Fact]
    public async Task A_scoped_token_may_exactly_what_its_scopes_and_its_user_both_allow_and_an_unscoped_one_what_its_user_may()
    {
        await using var app = new CrmApp();
        var role = await CompanyKit.RoleAsync(app, "Integration", null, AssignRecordsTo.AnyUser,
            [.. s_userMay.SelectMany(m => m.Value.Select(a => (m.Key, a, Scope.All)))]);
        var sync = await CompanyKit.UserAsync(app, "sync@crm.test", role);
        var adminId = await app.AdminIdAsync();
        var admin = await app.SignInAsAdminAsync();

        var scopedAnswer = await CreateAsync(admin, new { name = "ERP - scoped", userId = sync.Id, scopes = s_scopes });
        Assert.Equal(HttpStatusCode.Created, scopedAnswer.StatusCode);
        var scoped = (await scopedAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var whole = (await TokenKit.CreateByApiAsync(admin, "ERP - whole", sync.Id)).GetProperty("token").GetString()!;

        var cells = new List<string>();
        foreach (var (token, scopes) in new[] { (scoped, s_scopes), (whole, (Dictionary<string, string[]>?)null) })
        {
            var client = TokenKit.Integration(app, token);
            foreach (var module in s_userMay.Keys)
            {
                foreach (var action in Actions)
                {
                    var userMay = s_userMay[module].Contains(action);
                    var expected = userMay && (scopes is null || scopes[module].Contains(action));
                    var userSees = s_userMay[module].Contains(PermissionAction.View);
                    var record = await RecordAsync(app, module, adminId);
                    var response = await CallAsync(client, module, action, record);
                    var status = (int)response.StatusCode;
                    var did = response.IsSuccessStatusCode || status is 400 or 409;
                    var who = scopes is null ? "unscoped" : "scoped";
                    if (did != expected)
                    {
                        cells.Add($"{who} {module}:{action} answered {status}, expected {(expected ? "allowed" : "refused")}: {await response.Content.ReadAsStringAsync()}");
                    }
                    else if (!expected && userSees && status != 403)
                    {
                        // A record its user may see is no secret from the token: the refusal is a 403, not a 404.
                        cells.Add($"{who} {module}:{action} refused with {status} instead of 403");
                    }
                }

                // The list: a module outside the scopes is refused as a whole; within them it lists what the user sees.
                var list = await client.GetAsync($"/api/v1/{module}");
                var listRefused = scopes is not null && !scopes[module].Contains(PermissionAction.View);
                if (list.StatusCode != (listRefused ? HttpStatusCode.Forbidden : HttpStatusCode.OK))
                {
                    cells.Add($"{(scopes is null ? "unscoped" : "scoped")} {module} list answered {(int)list.StatusCode}");
                }
            }
        }

        Assert.True(cells.Count == 0, string.Join("\n", cells));
    }

    [Fact]
    public async Task The_explainer_names_the_scope_that_refused_and_the_token_list_shows_the_scopes()
    {
        await using var app = new CrmApp();
        var role = await CompanyKit.RoleAsync(app, "Integration", null, AssignRecordsTo.AnyUser,
            (CrmModules.Leads.Key, PermissionAction.View, Scope.All), (CrmModules.Leads.Key, PermissionAction.Edit, Scope.All));
        var sync = await CompanyKit.UserAsync(app, "sync@crm.test", role);
        var admin = await app.SignInAsAdminAsync();
        var created = await CreateAsync(admin, new { name = "Website - leads", userId = sync.Id, scopes = new Dictionary<string, string[]> { ["leads"] = ["view"] } });
        var tokenId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var edit = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/access/explain?tokenId={tokenId}&module=leads&action=edit");
        Assert.False(edit.GetProperty("allowed").GetBoolean());
        Assert.True(edit.GetProperty("refusedByTokenScope").GetBoolean());
        var step = edit.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "TokenScope").GetProperty("sentence").GetString()!;
        Assert.Contains("'Website - leads'", step, StringComparison.Ordinal);
        Assert.Contains("not among its scopes", step, StringComparison.Ordinal);

        // The user alone may edit: the same question without the token says so.
        var withoutToken = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/access/explain?userId={sync.Id}&module=leads&action=edit");
        Assert.True(withoutToken.GetProperty("allowed").GetBoolean());

        var view = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/access/explain?tokenId={tokenId}&module=leads&action=view");
        Assert.True(view.GetProperty("allowed").GetBoolean());

        var (_, page) = await admin.GetPageAsync($"/admin/access/explain?token={tokenId}&module=leads&action=edit");
        Assert.Contains("refused by the token's scopes", page.QuerySelector("#answer")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("not among its scopes", page.QuerySelector("section")!.TextContent, StringComparison.Ordinal);

        var (_, list) = await admin.GetPageAsync("/admin/tokens");
        Assert.Contains("leads: view", list.QuerySelector($"tr[data-token-id='{tokenId}']")!.TextContent, StringComparison.Ordinal);
        var listed = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        Assert.Equal("view", listed.EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == tokenId).GetProperty("scopes").GetProperty("leads")[0].GetString());
    }

    [Fact]
    public async Task Unknown_modules_and_actions_are_field_errors_and_nothing_is_saved()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();

        foreach (var scopes in new object[]
                 {
                     new Dictionary<string, string[]> { ["spaceships"] = ["view"] },
                     new Dictionary<string, string[]> { ["leads"] = ["fly"] },
                     new Dictionary<string, string[]> { ["leads"] = [] },
                     new Dictionary<string, string[]> { ["leads"] = ["view"], [new string('x', 5000)] = ["view"] },
                 })
        {
            var response = await CreateAsync(admin, new { name = "Bad scopes", userId = sync.Id, scopes });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("scopes", out var messages), errors.ToString());
            Assert.All(messages.EnumerateArray(), m => Assert.True(m.GetString()!.Length < 400, m.GetString()));
        }

        // The page: a tampered box is the same field error, shown beside the scopes.
        var refused = await admin.SubmitAsync("/admin/tokens/new", new()
        {
            ["Input.Name"] = "Bad scopes",
            ["Input.UserId"] = sync.Id.ToString(),
            ["Input.Scopes"] = "spaceships:view",
        });
        var page = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Null(page.QuerySelector("input#token"));
        Assert.Contains(page.ValidationMessages(), m => m.Contains("Unknown module 'spaceships'", StringComparison.Ordinal));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));

        // A ticked box on the page makes a scoped token.
        var (_, form) = await admin.GetPageAsync("/admin/tokens/new");
        Assert.NotNull(form.QuerySelector("input[name='Input.Scopes'][value='leads:create']"));
        await TokenKit.CreateOnPageAsync(admin, "Website - leads", sync.Id, scopes: "leads:create");
        Assert.Equal("leads:create", await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.Scopes).SingleAsync()));
    }

    [Fact]
    public async Task A_scoped_token_of_an_administrator_reaches_its_scopes_only_and_no_administration()
    {
        await using var app = new CrmApp();
        var boss = await app.CreateUserAsync("boss@crm.test", TokenKit.Password, administrator: true);
        var admin = await app.SignInAsAdminAsync();
        var lead = await ObjectKit.LeadAsync(app, "Ada", "Lovelace", null, await app.AdminIdAsync(), null);

        // Scopes bound the token, so no full-access acknowledgement is asked for.
        var created = await CreateAsync(admin, new { name = "Reporting", userId = boss.Id, scopes = new Dictionary<string, string[]> { ["leads"] = ["view"] } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var client = TokenKit.Integration(app, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/leads/{lead}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/leads")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PatchAsync($"/api/v1/leads/{lead}", Json("""{"version":1}"""))).StatusCode);
        // Lists of every module out of scope are refused as a whole, whichever list use case serves them.
        foreach (var module in new[] { "companies", "contacts", "deals", "products", "emails", "tasks", "memos" })
        {
            Assert.True((await client.GetAsync($"/api/v1/{module}")).StatusCode == HttpStatusCode.Forbidden, module);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/tokens")).StatusCode);
    }

    private static Task<HttpResponseMessage> CreateAsync(PageClient admin, object body) => admin.Http.PostAsJsonAsync("/api/v1/tokens", body);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task<int> RecordAsync(CrmApp app, string module, Guid ownerId) => module switch
    {
        "leads" => ObjectKit.LeadAsync(app, "Ada", "Lovelace", null, ownerId, null),
        "deals" => ObjectKit.DealAsync(app, "Big deal", ownerId, null),
        _ => ObjectKit.ProductAsync(app, "P-" + Guid.NewGuid().ToString("N")[..8], "Widget", ownerId, null),
    };

    private static Task<HttpResponseMessage> CallAsync(HttpClient client, string module, string action, int id) => action switch
    {
        PermissionAction.View => client.GetAsync($"/api/v1/{module}/{id}"),
        // An empty body: refused before it is read (403), or read and found wanting (400).
        PermissionAction.Create => client.PostAsync($"/api/v1/{module}", Json("{}")),
        PermissionAction.Edit => client.PatchAsync($"/api/v1/{module}/{id}", Json("""{"version":1}""")),
        PermissionAction.Delete => client.DeleteAsync($"/api/v1/{module}/{id}"),
        _ => client.GetAsync($"/api/v1/{module}/export.csv"),
    };
}
