using System.Net;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.IdempotencyKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.ApiTokens;

/// <summary>
/// A create retried with the same Idempotency-Key gets the first answer and makes no second record;
/// the key is the caller's, stands for one request, is freed by a refusal, and is forgotten after
/// 24 hours; a kept answer holding a secret is not stored in clear text (ADR 0033).
/// </summary>
public sealed class IdempotencyKeyTests
{
    private static HttpRequestMessage Create(string url, string json, params string[] keys)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var key in keys)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyMiddleware.Header, key);
        }

        return request;
    }

    private static Task<int> CompaniesNamedAsync(CrmApp app, string name) => app.InDatabaseAsync(db => db.Companies.CountAsync(c => c.Name == name));

    [Fact]
    public async Task A_retried_create_gets_the_first_answer_once_per_caller_and_a_refusal_frees_the_key()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var first = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Initech"}""", "order-1"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.False(first.Headers.Contains(IdempotencyKeyMiddleware.ReplayedHeader));

        // The retry: the same answer, word for word, and still one company.
        var again = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Initech"}""", "order-1"));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("application/json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal("true", again.Headers.GetValues(IdempotencyKeyMiddleware.ReplayedHeader).Single());
        Assert.Equal(1, await CompaniesNamedAsync(app, "Initech"));

        // The same key for another request: 422, nothing made.
        var other = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Globex"}""", "order-1"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Crm.Web.Web.ProblemTypes.IdempotencyKeyReused.Uri,
            System.Text.Json.JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        Assert.Equal(0, await CompaniesNamedAsync(app, "Globex"));

        // An unusable key is a field error, and nothing is made.
        foreach (var keys in new[] { new[] { new string('k', 256) }, new[] { "two words" }, new[] { "a", "b" } })
        {
            var refused = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Hooli"}""", keys));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{string.Join(",", keys)}: {refused.StatusCode}");
            Assert.NotEmpty(await refused.FieldErrorsAsync(IdempotencyKeyMiddleware.Header));
        }

        Assert.Equal(0, await CompaniesNamedAsync(app, "Hooli"));

        // A refused create does not use up its key: the corrected request runs.
        var invalid = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":""}""", "order-2"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var corrected = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Hooli"}""", "order-2"));
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.False(corrected.Headers.Contains(IdempotencyKeyMiddleware.ReplayedHeader));

        // A key is its caller's: an API token using "order-1" creates its own company. The token's
        // answer is kept encrypted: its secret is in no column of the table.
        var created = await TokenKit.CreateByApiAsync(admin, "Sync", await app.AdminIdAsync(), acknowledge: true);
        var token = created.GetProperty("token").GetString()!;
        using var integration = TokenKit.Integration(app, token);
        Assert.Equal(HttpStatusCode.Created, (await integration.SendAsync(Create("/api/v1/companies", """{"name":"Initech"}""", "order-1"))).StatusCode);
        Assert.Equal(2, await CompaniesNamedAsync(app, "Initech"));

        var tokenRequest = Create("/api/v1/tokens", JsonSerializer.Serialize(new { name = "Second", userId = await app.AdminIdAsync(), acknowledgeFullAccess = true }), "token-1");
        var secondToken = await (await admin.Http.SendAsync(tokenRequest)).ReadJsonAsync();
        var replayedToken = await (await admin.Http.SendAsync(Create("/api/v1/tokens", JsonSerializer.Serialize(new { name = "Second", userId = await app.AdminIdAsync(), acknowledgeFullAccess = true }), "token-1"))).ReadJsonAsync();
        Assert.Equal(secondToken.GetProperty("token").GetString(), replayedToken.GetProperty("token").GetString());
        var rows = await app.InDatabaseAsync(db => db.IdempotentRequests.AsNoTracking().ToListAsync());
        Assert.Equal(4, rows.Count);
        var secret = TokenKit.SecretOf(secondToken.GetProperty("token").GetString()!);
        Assert.All(rows, r => Assert.DoesNotContain(secret, JsonSerializer.Serialize(r), StringComparison.Ordinal));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync(t => t.Name == "Second")));

        // Generated clients see the header on every POST of the document, and on no GET.
        using var document = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/openapi.json"));
        var paths = document.RootElement.GetProperty("paths");
        static bool Offers(JsonElement operation) => operation.TryGetProperty("parameters", out var parameters)
            && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == IdempotencyKeyMiddleware.Header && p.GetProperty("in").GetString() == "header");
        Assert.True(Offers(paths.GetProperty("/api/v1/companies").GetProperty("post")));
        Assert.True(paths.GetProperty("/api/v1/companies").GetProperty("post").GetProperty("responses").TryGetProperty("422", out _));
        Assert.False(Offers(paths.GetProperty("/api/v1/companies").GetProperty("get")));
    }

    [Fact]
    public async Task A_running_key_answers_409_an_unfinished_one_says_so_and_keys_are_forgotten_after_24_hours()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var body = """{"name":"Umbrella"}"""u8.ToArray();
        var running = new IdempotentRequest
        {
            Caller = $"user:{adminId}", Key = "busy", Fingerprint = IdempotencyKeyMiddleware.Fingerprint("POST", "/api/v1/companies", body),
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
        };
        await app.InDatabaseAsync(async db =>
        {
            db.IdempotentRequests.Add(running);
            return await db.SaveChangesAsync();
        });

        var busy = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Umbrella"}""", "busy"));
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
        Assert.Contains("still running", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        app.Clock.Advance(IdempotencyKeyMiddleware.PresumedLost + TimeSpan.FromMinutes(1));
        admin = await app.SignInAsAdminAsync();
        var lost = await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Umbrella"}""", "busy"));
        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        Assert.Contains("did not finish", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CompaniesNamedAsync(app, "Umbrella"));

        // A day later the key is forgotten: the same request runs, once.
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Acme"}""", "acme"))).StatusCode);
        app.Clock.Advance(IdempotentRequest.KeptFor);
        admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.SendAsync(Create("/api/v1/companies", """{"name":"Umbrella"}""", "busy"))).StatusCode);
        Assert.Equal(1, await CompaniesNamedAsync(app, "Umbrella"));

        // The clean-up removes what is older than 24 hours and keeps the rest.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PruneIdempotentRequests>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(new[] { "busy" }, await app.InDatabaseAsync(db => db.IdempotentRequests.Select(r => r.Key).ToListAsync()));
    }
}
