using System.Net;
using System.Net.Http.Json;
using Crm.Tests.ApiTokens;
using Crm.Tests.Infrastructure;
using Crm.Tests.Webhooks;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Settings;
using Crm.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Account;

/// <summary>
/// Every sensitive administrator action asks for a sign-in from the last 10 minutes, the same way
/// on the API and on its page: a stale session is refused under currentPassword and nothing
/// changes, a wrong password too, the right one lets it through and makes the session fresh again,
/// and an API token is refused outright (a token cannot mint tokens or take a secret). A new
/// sensitive action belongs in <see cref="Actions"/>. (Revealing a vault entry has its own test,
/// VaultRevealTests; resetting someone's second factor always asks for the password.)
/// </summary>
public sealed class FreshSignInTests
{
    /// <summary>A sensitive action: its form page and password field, its API call, and what it changes (to see that a refusal changed nothing).</summary>
    private sealed record Sensitive(string Name, string Page, string PasswordField, Func<HttpClient, string?, Task<HttpResponseMessage>> CallAsync,
        Func<Task<string>> StateAsync, HttpStatusCode Done);

    [Fact]
    public async Task Sensitive_actions_need_a_sign_in_from_the_last_ten_minutes()
    {
        await using var app = WebhookKit.App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var (hook, _) = await WebhookKit.CreateAsync(admin, "http://127.0.0.1:9/hook", adminId, ["companies"], ["created"]);
        var closedPort = SmtpServer.FreePort();
        var staff = await app.CreateUserAsync("staff@crm.test", "a staff member's passphrase");
        Sensitive[] actions = Actions(app, adminId, hook, closedPort, staff.Id);

        string? token = null;
        foreach (var action in actions)
        {
            // Just signed in (or confirmed): the form does not ask.
            Assert.Null(await PasswordInputAsync(admin, action));

            app.Clock.Advance(TimeSpan.FromMinutes(11));
            Assert.NotNull(await PasswordInputAsync(admin, action));
            var before = await action.StateAsync();

            var stale = await action.CallAsync(admin.Http, null);
            Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
            Assert.Equal([FreshSignIn.Needed], await stale.FieldErrorsAsync(FreshSignIn.PasswordField));
            Assert.Equal(before, await action.StateAsync());

            var wrong = await action.CallAsync(admin.Http, "not the password at all");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.NotEmpty(await wrong.FieldErrorsAsync(FreshSignIn.PasswordField));
            Assert.Equal(before, await action.StateAsync());

            var confirmed = await action.CallAsync(admin.Http, CrmApp.AdminPassword);
            var answer = await confirmed.Content.ReadAsStringAsync();
            Assert.True(confirmed.StatusCode == action.Done, $"{action.Name}: {confirmed.StatusCode} {answer}");
            Assert.DoesNotContain(FreshSignIn.PasswordField, answer, StringComparison.Ordinal);
            if (action.Done != HttpStatusCode.BadRequest)
            {
                Assert.NotEqual(before, await action.StateAsync());
            }

            if (action.Page == "/admin/tokens/new")
            {
                token = System.Text.Json.JsonDocument.Parse(answer).RootElement.GetProperty("token").GetString();
            }

            // The confirmation made the session fresh: the form stops asking, and the next call needs no password.
            Assert.Null(await PasswordInputAsync(admin, action));
        }

        // Each confirmation is in the activity log; the wrong passwords count towards the lockout until the right one.
        Assert.Equal(actions.Length, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == ActivityKinds.Reauthenticated)));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == adminId).Select(u => u.AccessFailedCount).SingleAsync()));

        // An administrator's API token is never fresh, password or not: refused, nothing changed.
        Assert.NotNull(token);
        using var integration = TokenKit.Integration(app, token);
        foreach (var action in actions)
        {
            var before = await action.StateAsync();
            var refused = await action.CallAsync(integration, CrmApp.AdminPassword);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{action.Name}: {refused.StatusCode} {problem}");
            Assert.Contains(FreshSignIn.NotByToken, problem, StringComparison.Ordinal);
            Assert.Equal(before, await action.StateAsync());
        }
    }

    [Fact]
    public async Task The_token_page_asks_for_the_password_and_creates_the_token_with_it()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        Dictionary<string, string> Values(string? password) => new()
        {
            ["Input.Name"] = "ERP",
            ["Input.UserId"] = adminId.ToString(),
            ["Input.AcknowledgeFullAccess"] = "true",
            ["Input.CurrentPassword"] = password ?? "",
        };
        var (_, refused) = await admin.FollowAsync(await admin.SubmitAsync("/admin/tokens/new", Values(null)));
        Assert.Equal(FreshSignIn.Needed, refused.FieldError("Input.CurrentPassword"));
        Assert.Null(refused.QuerySelector("#token"));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));

        var (_, created) = await admin.FollowAsync(await admin.SubmitAsync("/admin/tokens/new", Values(CrmApp.AdminPassword)));
        Assert.StartsWith("crm_", created.QuerySelector("#token")?.GetAttribute("value"), StringComparison.Ordinal);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ApiTokens.CountAsync()));
    }

    private static Sensitive[] Actions(CrmApp app, Guid adminId, Guid hook, int closedPort, Guid staff)
    {
        var made = 0;
        Task<string> Administrators() => app.InDatabaseAsync(async db => (await db.Users.CountAsync(u => u.IsAdministrator)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return [
        new("add an administrator", "/admin/users/new", "Input.CurrentPassword",
            (client, password) => client.PostAsJsonAsync("/api/v1/users", new
            {
                email = $"second.admin.{++made}@crm.test", fullName = "Second Admin", roleId = Crm.Web.Features.Roles.DefaultRoles.AdministratorRoleId,
                isAdministrator = true, currentPassword = password,
            }),
            Administrators, HttpStatusCode.Created),
        // Each call makes a new colleague an administrator; the page is that of one who stays staff.
        new("make someone an administrator", $"/admin/users/{staff}", "Input.CurrentPassword",
            async (client, password) =>
            {
                var colleague = await app.CreateUserAsync($"colleague.{++made}@crm.test", "a colleague's passphrase");
                return await client.PutAsJsonAsync($"/api/v1/users/{colleague.Id}", new
                {
                    email = colleague.Email, fullName = colleague.FullName, roleId = colleague.RoleId, isAdministrator = true, currentPassword = password,
                });
            },
            Administrators, HttpStatusCode.NoContent),
        new("create an API token", "/admin/tokens/new", "Input.CurrentPassword",
            (client, password) => client.PostAsJsonAsync("/api/v1/tokens", new { name = "ERP", userId = adminId, acknowledgeFullAccess = true, currentPassword = password }),
            async () => (await app.InDatabaseAsync(db => db.ApiTokens.CountAsync())).ToString(System.Globalization.CultureInfo.InvariantCulture),
            HttpStatusCode.Created),
        // Saving tries the server first: with nothing listening, the confirmed request fails on the server, not on the password.
        new("change the SMTP settings", "/admin/settings/email", "Input.CurrentPassword",
            (client, password) => client.PutAsJsonAsync("/api/v1/settings/email",
                new { host = "127.0.0.1", port = closedPort, security = "None", from = "crm@crm.test", currentPassword = password }),
            async () => await app.InDatabaseAsync(db => db.Set<InstanceSettings>().Select(s => s.SmtpHost).FirstOrDefaultAsync()) ?? "",
            HttpStatusCode.BadRequest),
        new("rotate a webhook's secret", $"/admin/webhooks/{hook}", "currentPassword",
            (client, password) => client.PostAsJsonAsync($"/api/v1/webhooks/{hook}/rotate-secret", new { currentPassword = password }),
            () => app.InDatabaseAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == hook).Select(e => e.ProtectedSecret).SingleAsync()),
            HttpStatusCode.OK),
        ];
    }

    private static async Task<AngleSharp.Dom.IElement?> PasswordInputAsync(PageClient client, Sensitive action)
    {
        var (response, document) = await client.GetPageAsync(action.Page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return document.QuerySelector($"input[name='{action.PasswordField}'][type=password]");
    }
}
