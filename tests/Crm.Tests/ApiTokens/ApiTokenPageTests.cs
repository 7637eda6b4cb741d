using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.ApiTokens;

public sealed class ApiTokenPageTests
{
    [Fact]
    public async Task A_token_created_on_the_page_is_shown_once_and_only_its_hash_is_stored()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password, name: "Leads sync");
        var admin = await app.SignInAsAdminAsync();

        var response = await admin.SubmitAsync("/admin/tokens/new", new()
        {
            ["Input.Name"] = "Make.com - Leads sync",
            ["Input.UserId"] = sync.Id.ToString(),
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.False(response.Headers.Contains("Set-Cookie"), "The token must not travel in a cookie (TempData or otherwise)");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        var input = page.QuerySelector("input#token")!;
        var token = input.GetAttribute("value")!;
        Assert.Matches(TokenKit.TokenShape(), token);
        Assert.True(input.HasAttribute("readonly"));
        Assert.NotNull(page.QuerySelector("label[for=token]"));
        Assert.Contains("will not be shown again", page.QuerySelector("#token-warning")!.TextContent, StringComparison.Ordinal);
        var secret = TokenKit.SecretOf(token);

        // Never again: not on the list, not on the form, not in any cookie the browser holds.
        var list = await admin.Http.GetStringAsync("/admin/tokens");
        Assert.Contains("Make.com - Leads sync", list, StringComparison.Ordinal);
        Assert.Contains($"crm_{TokenKit.PrefixOf(token)}_", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await admin.Http.GetStringAsync("/admin/tokens/new"), StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Cookies.GetAllCookies(), c => c.Value.Contains(secret, StringComparison.Ordinal));

        // The row holds the SHA-256 of the secret, and the secret nowhere.
        var row = await app.InDatabaseAsync(db => db.ApiTokens.AsNoTracking().SingleAsync());
        Assert.DoesNotContain(secret, JsonSerializer.Serialize(row), StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret))), row.SecretHash);
        Assert.Equal(TokenKit.PrefixOf(token), row.Prefix);
        Assert.Equal(sync.Id, row.UserId);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, row.CreatedAt);
        Assert.Null(row.ExpiresAt);
        Assert.NotNull(row.CreatedByUserId);

        var entry = await app.InDatabaseAsync(db => db.ActivityLog.SingleAsync(e => e.Kind == ActivityKinds.TokenCreated));
        Assert.Contains("Make.com - Leads sync", entry.Summary, StringComparison.Ordinal);
        Assert.Equal(sync.Id, entry.SubjectUserId);
        Assert.DoesNotContain(secret, entry.Summary, StringComparison.Ordinal);
        TokenKit.AssertNeverLogged(app, token);
    }

    [Fact]
    public async Task The_list_shows_user_status_use_and_staleness_and_revokes_with_a_confirming_form()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password, name: "Leads sync");
        var admin = await app.SignInAsAdminAsync();
        var token = await TokenKit.CreateOnPageAsync(admin, "Website - Contact form", sync.Id, expiresInDays: "30");
        var integration = TokenKit.Integration(app, token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);
        await TokenKit.FlushUsageAsync(app);

        var (_, list) = await admin.GetPageAsync("/admin/tokens");
        var row = list.QuerySelector("tbody tr")!;
        Assert.Contains("Website - Contact form", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("sync@crm.test", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Active", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", row.QuerySelectorAll("td")[6].TextContent.Trim());
        Assert.DoesNotContain("Unused for 6 months", row.TextContent, StringComparison.Ordinal);

        // The revoke button only opens a confirmation; the form inside it does the POST.
        var form = row.QuerySelector("details form[method=post]")!;
        Assert.Contains("cannot be undone", form.TextContent, StringComparison.Ordinal);
        var id = row.GetAttribute("data-token-id")!;
        var revoked = await admin.SubmitAsync(list, new(), $"tr[data-token-id='{id}'] form");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        var (_, after) = await admin.FollowAsync(revoked);
        Assert.Contains("is revoked", after.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Revoked", after.QuerySelector("tbody tr")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("tbody tr details"));

        await TokenKit.AssertRefusedAsync(await integration.GetAsync("/api/v1/me"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.TokenRevoked)));
    }

    [Fact]
    public async Task Active_tokens_unused_for_six_months_are_flagged()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var used = await TokenKit.CreateOnPageAsync(admin, "Used monthly", sync.Id);
        await TokenKit.CreateOnPageAsync(admin, "Forgotten", sync.Id);

        app.Clock.Advance(TimeSpan.FromDays(190));
        Assert.Equal(HttpStatusCode.OK, (await TokenKit.Integration(app, used).GetAsync("/api/v1/me")).StatusCode);
        await TokenKit.FlushUsageAsync(app);
        admin = await app.SignInAsAdminAsync(); // the first session has long expired

        var (_, list) = await admin.GetPageAsync("/admin/tokens");
        string Row(string name) => list.QuerySelectorAll("tbody tr").Single(r => r.QuerySelector("th")!.TextContent.Contains(name, StringComparison.Ordinal)).TextContent;
        Assert.Contains("Unused for 6 months", Row("Forgotten"), StringComparison.Ordinal);
        Assert.DoesNotContain("Unused for 6 months", Row("Used monthly"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binding_a_token_to_an_administrator_needs_the_explicit_confirmation()
    {
        await using var app = new CrmApp();
        var boss = await app.CreateUserAsync("boss@crm.test", TokenKit.Password, administrator: true, name: "Boss");
        var admin = await app.SignInAsAdminAsync();

        var (_, form) = await admin.GetPageAsync("/admin/tokens/new");
        var option = form.QuerySelector($"select[name='Input.UserId'] option[value='{boss.Id}']")!;
        Assert.Contains("administrator", option.TextContent, StringComparison.Ordinal);
        Assert.NotNull(form.QuerySelector("label[for='Input_AcknowledgeFullAccess']"));

        var refused = await admin.SubmitAsync("/admin/tokens/new", new()
        {
            ["Input.Name"] = "Zapier - everything",
            ["Input.UserId"] = boss.Id.ToString(),
        });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Null(page.QuerySelector("input#token"));
        Assert.Contains("full access", page.FieldError("Input.AcknowledgeFullAccess"), StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));

        var token = await TokenKit.CreateOnPageAsync(admin, "Zapier - everything", boss.Id, acknowledge: true);
        Assert.Matches(TokenKit.TokenShape(), token);
        Assert.Contains("full access acknowledged", await app.InDatabaseAsync(db => db.ActivityLog
            .Where(e => e.Kind == ActivityKinds.TokenCreated).Select(e => e.Summary).SingleAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_form_explains_each_bad_value_and_creates_nothing()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var gone = await app.CreateUserAsync("gone@crm.test", TokenKit.Password);
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        var admin = await app.SignInAsAdminAsync();
        await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id);

        async Task<string?> ErrorFor(string field, string name, string userId, string days = "")
        {
            var response = await admin.SubmitAsync("/admin/tokens/new", new()
            {
                ["Input.Name"] = name,
                ["Input.UserId"] = userId,
                ["Input.ExpiresInDays"] = days,
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
            Assert.Null(page.QuerySelector("input#token"));
            return page.FieldError(field);
        }

        var user = sync.Id.ToString();
        Assert.Contains("required", await ErrorFor("Input.Name", "  ", user), StringComparison.Ordinal);
        Assert.Contains("at most 100", await ErrorFor("Input.Name", new string('n', 101), user), StringComparison.Ordinal);
        Assert.Contains("single line", await ErrorFor("Input.Name", "two\nlines", user), StringComparison.Ordinal);
        Assert.Contains("already named", await ErrorFor("Input.Name", "make.com - LEADS sync", user), StringComparison.Ordinal);
        Assert.Contains("Choose the user", await ErrorFor("Input.UserId", "A name", ""), StringComparison.Ordinal);
        Assert.Contains("from the list", await ErrorFor("Input.UserId", "A name", "not-a-guid"), StringComparison.Ordinal);
        Assert.Contains("active user", await ErrorFor("Input.UserId", "A name", Guid.NewGuid().ToString()), StringComparison.Ordinal);
        Assert.Contains("active user", await ErrorFor("Input.UserId", "A name", gone.Id.ToString()), StringComparison.Ordinal);
        foreach (var days in new[] { "0", "3651", "-1", "abc", "1.5", "99999999999" })
        {
            Assert.Contains("1 to 3650", await ErrorFor("Input.ExpiresInDays", "A name", user, days), StringComparison.Ordinal);
        }

        Assert.Equal(1, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));
        // Deactivated users are not offered at all.
        var (_, form) = await admin.GetPageAsync("/admin/tokens/new");
        Assert.Null(form.QuerySelector($"option[value='{gone.Id}']"));
        Assert.NotNull(form.QuerySelector($"option[value='{sync.Id}']"));
    }

    [Fact]
    public async Task A_revoked_or_expired_tokens_name_can_be_given_to_its_replacement()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var first = await TokenKit.CreateByApiAsync(admin, "Make.com - Leads sync", sync.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/tokens/{first.GetProperty("id").GetGuid()}")).StatusCode);

        await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id, expiresInDays: "1");
        app.Clock.Advance(TimeSpan.FromDays(1));
        admin = await app.SignInAsAdminAsync(); // a day outlives the session
        await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id);
        Assert.Equal(3, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));
    }

    [Fact]
    public async Task Staff_are_refused_the_token_pages_and_the_token_api()
    {
        await using var app = new CrmApp();
        var staff = await app.CreateUserAsync("staff@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var created = await TokenKit.CreateByApiAsync(admin, "Staff integration", staff.Id);
        var id = created.GetProperty("id").GetGuid();
        var client = await app.SignInAsync("staff@crm.test", TokenKit.Password);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/admin/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/admin/tokens/new")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/api/v1/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.PostAsync("/api/v1/tokens",
            new StringContent($$"""{"name":"Mine","userId":"{{staff.Id}}"}""", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);

        // The same with the staff user's own token: authenticated, so 403 (not 401), as ProblemDetails.
        var integration = TokenKit.Integration(app, created.GetProperty("token").GetString()!);
        var forbidden = await integration.GetAsync("/api/v1/tokens");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);

        Assert.Equal(1, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync(t => t.RevokedAt == null)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync("/help/api-tokens")).StatusCode);
    }

    [Fact]
    public async Task Administrators_find_the_tokens_from_the_administration_page_and_in_help()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var (_, administration) = await admin.GetPageAsync("/admin");
        Assert.Contains(administration.QuerySelectorAll(".card-title a"), a => a.GetAttribute("href") == "/admin/tokens");
        var (_, list) = await admin.GetPageAsync("/admin/tokens");
        Assert.Equal("/help/api-tokens", list.QuerySelector("a.help-link")!.GetAttribute("href"));
        var (response, help) = await admin.GetPageAsync("/help/api-tokens");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("integration user", help.QuerySelector("article")!.TextContent, StringComparison.Ordinal);
    }
}
