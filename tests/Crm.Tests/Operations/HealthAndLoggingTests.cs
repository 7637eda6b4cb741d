using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Operations;

public sealed class HealthAndLoggingTests
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_anonymously_with_nothing_but_the_status(string url)
    {
        await using var app = new CrmApp();
        var response = await app.NewClient().Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_is_gone()
    {
        await using var app = new CrmApp();
        _ = app.Server;
        await app.InDatabaseAsync(async db =>
        {
            await db.Database.EnsureDeletedAsync();
            return 0;
        });

        var response = await app.NewClient().Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Logs_are_json_with_one_line_per_request_and_never_a_query_string()
    {
        await using var app = new CrmApp();
        var client = app.NewClient();
        await client.Http.GetAsync("/account/reset-password?user=abc&token=SECRET-TOKEN-VALUE");

        Assert.Equal("json", app.Services.GetRequiredService<IConfiguration>()["Logging:Console:FormatterName"]);
        var request = Assert.Single(app.Log.Lines, l => l.Category == "Crm.Requests" && l.Message.Contains("/account/reset-password", StringComparison.Ordinal));
        Assert.Contains("RequestId=", request.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Log.Lines, l => l.Message.Contains("SECRET-TOKEN-VALUE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Passwords_typed_into_forms_never_reach_the_log()
    {
        await using var app = new CrmApp();
        var client = app.NewClient();
        await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = "WRONG-PASSWORD-TYPED" });
        await app.SignInAsAdminAsync();

        Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains("WRONG-PASSWORD-TYPED", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains(CrmApp.AdminPassword, StringComparison.Ordinal));
        Assert.Contains(app.Log.Lines, l => l.Message.Contains("Sign-in failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_api_serves_the_callers_profile_and_an_openapi_document_to_signed_in_callers_only()
    {
        await using var app = new CrmApp();
        var anonymous = app.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/api/v1/openapi.json")).StatusCode);

        var client = await app.SignInAsAdminAsync();
        var me = await client.Http.GetFromJsonAsync<Dictionary<string, object>>("/api/v1/me");
        Assert.Equal(CrmApp.AdminEmail, me!["email"].ToString());
        Assert.Equal("True", me["isAdministrator"].ToString(), ignoreCase: true);
        Assert.DoesNotContain("passwordHash", me.Keys);
        Assert.DoesNotContain("securityStamp", me.Keys);

        var openApi = await client.Http.GetStringAsync("/api/v1/openapi.json");
        Assert.Contains("/api/v1/me", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/v1/me/password", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_changes_the_password_with_per_field_errors()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();

        var wrong = await client.Http.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "nope nope nope", newPassword = "a fresh passphrase" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("currentPassword", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var changed = await client.Http.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = CrmApp.AdminPassword, newPassword = "a fresh passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/api/v1/me")).StatusCode);
        await app.SignInAsync(CrmApp.AdminEmail, "a fresh passphrase");
    }
}
