using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.ApiTokens;

public sealed class ApiTokensApiTests
{
    [Fact]
    public async Task Every_token_endpoint_requires_the_administrator_policy()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1/tokens", StringComparison.Ordinal)).ToList();

        Assert.Equal(4, endpoints.Count);
        Assert.All(endpoints, e => Assert.Contains(e.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == Policies.Administrator));
    }

    [Fact]
    public async Task Create_list_and_revoke_through_the_api()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password, name: "Leads sync");
        var admin = await app.SignInAsAdminAsync();

        var created = await TokenKit.CreateByApiAsync(admin, "n8n - Deals export", sync.Id, expiresInDays: 90);
        var token = created.GetProperty("token").GetString()!;
        var id = created.GetProperty("id").GetGuid();
        Assert.Matches(TokenKit.TokenShape(), token);
        Assert.Equal(TokenKit.PrefixOf(token), created.GetProperty("prefix").GetString());
        Assert.Equal(sync.Id, created.GetProperty("userId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await TokenKit.Integration(app, token).GetAsync("/api/v1/me")).StatusCode);

        await TokenKit.FlushUsageAsync(app);
        var listed = await admin.Http.GetAsync("/api/v1/tokens");
        var body = await listed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TokenKit.SecretOf(token), body, StringComparison.Ordinal);
        Assert.DoesNotContain("secretHash", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"token\"", body, StringComparison.Ordinal);
        var item = JsonDocument.Parse(body).RootElement.EnumerateArray().Single();
        Assert.Equal("n8n - Deals export", item.GetProperty("name").GetString());
        Assert.Equal("Leads sync", item.GetProperty("userName").GetString());
        Assert.Equal("sync@crm.test", item.GetProperty("userEmail").GetString());
        Assert.Equal("active", item.GetProperty("status").GetString());
        Assert.Equal(1, item.GetProperty("useCount").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, item.GetProperty("lastUsedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, item.GetProperty("expiresAt").ValueKind);
        Assert.False(item.GetProperty("unusedForSixMonths").GetBoolean());

        // Revoking twice is one revocation.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        var revokedAt = await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.RevokedAt).SingleAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        Assert.Equal(revokedAt, await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.RevokedAt).SingleAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.TokenRevoked)));
        Assert.Equal("revoked", (await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/tokens"))[0].GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.DeleteAsync($"/api/v1/tokens/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.DeleteAsync("/api/v1/tokens/not-a-guid")).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_field_messages_and_create_nothing()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var boss = await app.CreateUserAsync("boss@crm.test", TokenKit.Password, administrator: true);
        var admin = await app.SignInAsAdminAsync();

        async Task<JsonElement> Invalid(object body)
        {
            var response = await admin.Http.PostAsJsonAsync("/api/v1/tokens", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }

        var empty = await Invalid(new { });
        Assert.True(empty.TryGetProperty("name", out _));
        Assert.True(empty.TryGetProperty("userId", out _));
        Assert.True((await Invalid(new { name = "x", userId = sync.Id, expiresInDays = 0 })).TryGetProperty("expiresInDays", out _));
        Assert.True((await Invalid(new { name = "x", userId = sync.Id, expiresInDays = 3651 })).TryGetProperty("expiresInDays", out _));
        Assert.True((await Invalid(new { name = new string('x', 101), userId = sync.Id })).TryGetProperty("name", out _));
        Assert.True((await Invalid(new { name = "x", userId = Guid.NewGuid() })).TryGetProperty("userId", out _));
        Assert.True((await Invalid(new { name = "x", userId = boss.Id })).TryGetProperty("acknowledgeFullAccess", out _));

        var notJson = await admin.Http.PostAsync("/api/v1/tokens", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        var badGuid = await admin.Http.PostAsync("/api/v1/tokens", new StringContent("""{"name":"x","userId":"nope"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badGuid.StatusCode);

        Assert.Equal(0, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.TokenCreated)));

        await TokenKit.CreateByApiAsync(admin, "Admin integration", boss.Id, acknowledge: true);
    }
}
