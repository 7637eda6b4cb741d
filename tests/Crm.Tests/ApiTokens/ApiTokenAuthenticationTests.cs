using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.ApiTokens;

public sealed class ApiTokenAuthenticationTests
{
    [Fact]
    public async Task A_token_authenticates_the_api_as_its_user_and_counts_each_use()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password, name: "Leads sync");
        var admin = await app.SignInAsAdminAsync();
        var token = await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id);
        var integration = TokenKit.Integration(app, token);

        var response = await integration.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"), "A token request was given a cookie");
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sync@crm.test", me.GetProperty("email").GetString());
        Assert.False(me.GetProperty("isAdministrator").GetBoolean());

        var firstUse = app.Clock.GetUtcNow().UtcDateTime;
        await TokenKit.FlushUsageAsync(app);
        var row = await app.InDatabaseAsync(db => db.ApiTokens.AsNoTracking().SingleAsync());
        Assert.Equal(1, row.UseCount);
        Assert.Equal(firstUse, row.LastUsedAt);

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);
        await TokenKit.FlushUsageAsync(app);
        row = await app.InDatabaseAsync(db => db.ApiTokens.AsNoTracking().SingleAsync());
        Assert.Equal(2, row.UseCount);
        Assert.Equal(firstUse.AddMinutes(5), row.LastUsedAt);

        // The OpenAPI document is part of the API too.
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/openapi.json")).StatusCode);
        TokenKit.AssertNeverLogged(app, token);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_the_next_request()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var created = await TokenKit.CreateByApiAsync(admin, "Make.com - Leads sync", sync.Id);
        var token = created.GetProperty("token").GetString()!;
        var integration = TokenKit.Integration(app, token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/tokens/{created.GetProperty("id").GetGuid()}")).StatusCode);

        Assert.Contains("revoked", await TokenKit.AssertRefusedAsync(await integration.GetAsync("/api/v1/me")), StringComparison.Ordinal);
        await TokenKit.FlushUsageAsync(app);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.UseCount).SingleAsync()));
        Assert.Contains(app.Log.Lines, l => l.Message.Contains($"API token {TokenKit.PrefixOf(token)} refused", StringComparison.Ordinal));
        TokenKit.AssertNeverLogged(app, token);
    }

    [Fact]
    public async Task Deactivating_the_user_stops_the_token_at_the_next_request()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var token = await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id);
        var integration = TokenKit.Integration(app, token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);

        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sync.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        Assert.Contains("deactivated", await TokenKit.AssertRefusedAsync(await integration.GetAsync("/api/v1/me")), StringComparison.Ordinal);

        var list = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        Assert.Equal("user-inactive", list[0].GetProperty("status").GetString());

        // Reactivation brings it back: the token itself was never touched.
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sync.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, true)));
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_token_expires_on_the_clock_of_the_crm()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var created = await TokenKit.CreateByApiAsync(admin, "Short-lived", sync.Id, expiresInDays: 1);
        var createdAt = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(createdAt.AddDays(1), created.GetProperty("expiresAt").GetDateTime().ToUniversalTime());
        Assert.Equal(createdAt.AddDays(1), await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.ExpiresAt).SingleAsync()));
        var integration = TokenKit.Integration(app, created.GetProperty("token").GetString()!);

        app.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("expired", await TokenKit.AssertRefusedAsync(await integration.GetAsync("/api/v1/me")), StringComparison.Ordinal);

        admin = await app.SignInAsAdminAsync();
        var list = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/tokens");
        Assert.Equal("expired", list[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Malformed_unknown_and_wrong_tokens_get_401_and_never_a_500()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var token = await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id);
        var secret = TokenKit.SecretOf(token);
        var flipped = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var unknownPrefix = "crm_" + (token[4] == 'a' ? 'b' : 'a') + token[5..];

        string[] values =
        [
            "Bearer", "Bearer ", "Bearer x", "Bearer crm_", "Bearer crm_abcdefgh_short", "Bearer " + secret,
            "Bearer " + flipped, "Bearer " + unknownPrefix, "Bearer " + token + "x", "Bearer " + token + " " + token,
            "Bearer " + new string('a', 10_000), "Bearer crm_abcdefgh_' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        foreach (var value in values)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            request.Headers.TryAddWithoutValidation("Authorization", value);
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"'{value[..Math.Min(value.Length, 40)]}' answered {(int)response.StatusCode}");
            if (value.Trim().StartsWith("Bearer ", StringComparison.Ordinal))
            {
                await TokenKit.AssertRefusedAsync(response);
            }
        }

        // The same answer for an unknown prefix as for a wrong secret: nothing to learn from it.
        var wrong = await TokenKit.AssertRefusedAsync(await TokenKit.Integration(app, flipped).GetAsync("/api/v1/me"));
        Assert.Equal(wrong, await TokenKit.AssertRefusedAsync(await TokenKit.Integration(app, unknownPrefix).GetAsync("/api/v1/me")));
        await TokenKit.FlushUsageAsync(app);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.UseCount).SingleAsync()));

        // The scheme name is case-insensitive (RFC 7235).
        using var lower = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        lower.Headers.TryAddWithoutValidation("Authorization", "bearer " + token);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(lower)).StatusCode);

        Assert.DoesNotContain(app.Log.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        TokenKit.AssertNeverLogged(app, token);
    }

    [Fact]
    public async Task The_secret_never_reaches_the_log_whatever_happens_to_the_token()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var created = await TokenKit.CreateByApiAsync(admin, "Logged carefully", sync.Id, expiresInDays: 1);
        var token = created.GetProperty("token").GetString()!;
        var integration = TokenKit.Integration(app, token);

        await integration.GetAsync("/api/v1/me");
        await integration.GetAsync("/api/v1/tokens");
        await integration.GetAsync("/admin/tokens");
        await TokenKit.Integration(app, token[..^1] + "-").GetAsync("/api/v1/me");
        await TokenKit.Integration(app, TokenKit.SecretOf(token)).GetAsync("/api/v1/me");
        await admin.Http.DeleteAsync($"/api/v1/tokens/{created.GetProperty("id").GetGuid()}");
        await integration.GetAsync("/api/v1/me");
        app.Clock.Advance(TimeSpan.FromDays(2));
        await integration.GetAsync("/api/v1/me");

        TokenKit.AssertNeverLogged(app, token);
        Assert.DoesNotContain(app.Log.Lines, l => l.Message.Contains(token, StringComparison.Ordinal));
        var summaries = await app.InDatabaseAsync(db => db.ActivityLog.Select(e => e.Summary).ToListAsync());
        Assert.DoesNotContain(summaries, s => s.Contains(TokenKit.SecretOf(token), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_who_must_change_their_password_still_gets_the_api_through_a_token()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password, mustChangePassword: true);
        var admin = await app.SignInAsAdminAsync();
        var token = await TokenKit.CreateOnPageAsync(admin, "Make.com - Leads sync", sync.Id);

        // The browser session of that user is held at the gate; the integration is not.
        var browser = await app.SignInAsync("sync@crm.test", TokenKit.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);

        var response = await TokenKit.Integration(app, token).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task A_bearer_header_decides_alone_opens_no_page_and_never_earns_a_cookie()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var token = await TokenKit.CreateOnPageAsync(admin, "Full access", adminId, acknowledge: true);
        var integration = TokenKit.Integration(app, token);

        // Pages are for people with sessions: a token, even an administrator's, opens none of them.
        foreach (var page in new[] { "/", "/admin", "/admin/tokens", "/account" })
        {
            await TokenKit.AssertRefusedAsync(await integration.GetAsync(page));
        }

        var post = await integration.PostAsync("/admin/tokens/new", new FormUrlEncodedContent([new("Input.Name", "x")]));
        Assert.True(post.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"POST answered {(int)post.StatusCode}");
        Assert.False(post.Headers.Contains("Set-Cookie"));

        // With a valid session cookie and a bad token, the token decides: refused, and the session is left alone.
        admin.Http.DefaultRequestHeaders.Authorization = new("Bearer", "crm_abcdefgh_" + new string('A', 43));
        await TokenKit.AssertRefusedAsync(await admin.Http.GetAsync("/api/v1/me"));
        admin.Http.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/api/v1/me")).StatusCode);

        // The API answers the token, and an administrator's token may manage tokens.
        var list = await integration.GetAsync("/api/v1/tokens");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.False(list.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Without_a_bearer_header_the_api_keeps_answering_as_before()
    {
        await using var app = new CrmApp();
        var anonymous = app.NewClient();

        var response = await anonymous.Http.GetAsync("/api/v1/tokens");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Empty(response.Headers.WwwAuthenticate);

        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic YWRtaW46YWRtaW4=");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.SendAsync(basic)).StatusCode);

        var page = await anonymous.Http.GetAsync("/admin/tokens");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/sign-in", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
