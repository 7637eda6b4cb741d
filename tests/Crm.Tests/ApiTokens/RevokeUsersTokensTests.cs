using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.ApiTokens;

public sealed class RevokeUsersTokensTests
{
    [Fact]
    public async Task Revoking_all_tokens_of_a_user_stops_each_of_them_logs_each_and_leaves_other_users_tokens_working()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var shop = await app.CreateUserAsync("shop@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        async Task<HttpClient> TokenAsync(string name, Guid user) =>
            TokenKit.Integration(app, (await TokenKit.CreateByApiAsync(admin, name, user)).GetProperty("token").GetString()!);
        var erp = await TokenAsync("ERP", sync.Id);
        var mail = await TokenAsync("Mailer", sync.Id);
        var store = await TokenAsync("Store", shop.Id);
        var storeTwo = await TokenAsync("Store 2", shop.Id);

        var answer = await admin.Http.PostAsJsonAsync("/api/v1/tokens/revoke-all", new { userId = sync.Id });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var revoked = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked");
        Assert.Equal(["ERP", "Mailer"], revoked.EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        await TokenKit.AssertRefusedAsync(await erp.GetAsync("/api/v1/me"));
        await TokenKit.AssertRefusedAsync(await mail.GetAsync("/api/v1/me"));
        Assert.Equal(HttpStatusCode.OK, (await store.GetAsync("/api/v1/me")).StatusCode);
        var logged = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.TokenRevoked).Select(a => a.Summary).ToListAsync());
        Assert.Equal(2, logged.Count);
        Assert.Contains(logged, d => d.Contains("\"ERP\"", StringComparison.Ordinal));

        // Again: nothing left to revoke, nothing logged.
        var again = await admin.Http.PostAsJsonAsync("/api/v1/tokens/revoke-all", new { userId = sync.Id });
        Assert.Empty((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PostAsJsonAsync("/api/v1/tokens/revoke-all", new { userId = Guid.NewGuid() })).StatusCode);

        // The page: the confirming form in the row of one of the user's tokens.
        var (_, list) = await admin.GetPageAsync("/admin/tokens");
        var response = await admin.SubmitAsync(list, new(), "details.revoke-all form[action*='" + shop.Id + "']");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await TokenKit.AssertRefusedAsync(await store.GetAsync("/api/v1/me"));
        await TokenKit.AssertRefusedAsync(await storeTwo.GetAsync("/api/v1/me"));
        Assert.Equal(4, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == ActivityKinds.TokenRevoked)));
    }
}
