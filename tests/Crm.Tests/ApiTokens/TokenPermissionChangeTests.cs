using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.ApiTokens;

public sealed class TokenPermissionChangeTests
{
    [Fact]
    public async Task A_change_to_the_bound_users_privileges_bites_on_the_tokens_next_request()
    {
        await using var app = new CrmApp();
        var integration = await app.CreateUserAsync("erp@crm.test", "integration passphrase", name: "ERP Sync");
        var admin = await app.SignInAsAdminAsync();
        var token = (await TokenKit.CreateByApiAsync(admin, "ERP - Users", integration.Id)).GetProperty("token").GetString()!;
        var client = TokenKit.Integration(app, token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);

        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == integration.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsAdministrator, true)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/users")).StatusCode);

        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == integration.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsAdministrator, false)));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
    }
}
