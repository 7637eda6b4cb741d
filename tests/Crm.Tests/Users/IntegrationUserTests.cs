using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.ApiTokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Users;

/// <summary>
/// The integration user kind (issue 24): another system's identity, reached only through API
/// tokens and webhooks. It cannot sign in through the browser and holds no seat.
/// </summary>
public sealed class IntegrationUserTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task An_integration_user_takes_no_seat_cannot_sign_in_and_is_offered_first_for_tokens()
    {
        // One seat, held by the first administrator: a person is refused, an integration user is not.
        await using var app = new CrmApp().With("Licensing:IncludedSeats", "1").With("Licensing:ExtraSeats", "0");
        var admin = await app.SignInAsAdminAsync();

        var person = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "zoe@crm.test", fullName = "Zoe Person", roleId = 1 });
        Assert.Equal(HttpStatusCode.Conflict, person.StatusCode);

        var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "erp@crm.test", fullName = "ERP sync", roleId = 1, kind = "Integration" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, body.GetProperty("setPasswordLink").ValueKind);
        var erpId = body.GetProperty("id").GetGuid();

        // No welcome email, no password; the API and the audit say what kind it is.
        Assert.Equal(0, await app.InDatabaseAsync(db => db.OutgoingEmails.CountAsync()));
        var read = JsonDocument.Parse(await admin.Http.GetStringAsync($"/api/v1/users/{erpId}")).RootElement;
        Assert.Equal(("Integration", false), (read.GetProperty("kind").GetString(), read.GetProperty("hasPassword").GetBoolean()));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.UserCreated).Select(a => a.Summary).ToListAsync()),
            s => s.Contains("integration user ERP sync", StringComparison.Ordinal));
        var list = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/users")).RootElement;
        Assert.Equal("Integration", list.EnumerateArray().Single(u => u.GetProperty("id").GetGuid() == erpId).GetProperty("kind").GetString());

        // The users page marks it, the seats page does not count it.
        var (_, usersPage) = await admin.GetPageAsync("/admin/users");
        Assert.Contains("integration", usersPage.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("ERP sync", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal);
        var (_, seatsPage) = await admin.GetPageAsync("/admin/seats");
        Assert.DoesNotContain("ERP sync", seatsPage.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 of 1 seats", seatsPage.Body!.TextContent, StringComparison.Ordinal);

        // Deactivated and reactivated while every seat is taken: it needs none.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{erpId}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{erpId}/activate", null)).StatusCode);

        // The token and webhook forms offer integration users first, in a group of their own.
        using (var scope = app.Services.CreateScope())
        {
            var adminActor = new Crm.Web.Security.Actor(Crm.Web.Security.ActorKind.User, await app.AdminIdAsync(), true, "Admin");
            var users = (await scope.ServiceProvider.GetRequiredService<ListTokenUsers>().RunAsync(adminActor, CancellationToken.None)).Value!;
            Assert.Equal(erpId, users[0].Id);
            Assert.True(users[0].IsIntegration);
        }

        var (_, tokenForm) = await admin.GetPageAsync("/admin/tokens/new");
        var firstGroup = tokenForm.QuerySelector("#Input_UserId optgroup")!;
        Assert.Contains("Integration users", firstGroup.GetAttribute("label"), StringComparison.Ordinal);
        Assert.Equal(erpId.ToString(), firstGroup.QuerySelector("option")!.GetAttribute("value"));
        var (_, webhookForm) = await admin.GetPageAsync("/admin/webhooks/new");
        Assert.Equal(erpId.ToString(), webhookForm.QuerySelector("#Input_UserId optgroup option")!.GetAttribute("value"));

        // Back to a person while every seat is taken: refused, nothing changes.
        var toPerson = await admin.Http.PutAsJsonAsync($"/api/v1/users/{erpId}", new { email = "erp@crm.test", fullName = "ERP sync", roleId = 1, kind = "Person" });
        Assert.Equal(HttpStatusCode.Conflict, toPerson.StatusCode);
        Assert.True(await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == erpId).Select(u => u.IsIntegration).SingleAsync()));

        // An unknown kind is refused on its field.
        var badKind = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "x@crm.test", fullName = "X", roleId = 1, kind = 7 });
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Contains("kind", await badKind.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_person_made_an_integration_user_loses_the_browser_sign_in_its_session_and_password_reset()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var sam = await app.CreateUserAsync("sam@crm.test", Password, name: "Sam Sync");
        var samSession = await app.SignInAsync("sam@crm.test", Password);
        Assert.Equal(HttpStatusCode.OK, (await samSession.Http.GetAsync("/")).StatusCode);

        // Made an integration user on the edit page (the form's checkbox).
        var (_, edit) = await admin.GetPageAsync($"/admin/users/{sam.Id}");
        var saved = await admin.SubmitAsync(edit, new()
        {
            ["Input.Email"] = "sam@crm.test",
            ["Input.FullName"] = "Sam Sync",
            ["Input.RoleId"] = "1",
            ["Input.IsIntegration"] = "true",
        }, "form#user-form");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.SubjectUserId == sam.Id).Select(a => a.Summary).ToListAsync()),
            s => s.Contains("made an integration user", StringComparison.Ordinal));

        // Its open session ends at the next request.
        var after = await samSession.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/account/sign-in", after.Headers.Location!.AbsolutePath);

        // The right password gets a clear refusal and no session; the wrong one the usual answer.
        var client = app.NewClient();
        var refused = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "sam@crm.test", ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains(SignInUser.IntegrationMessage, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/")).StatusCode);
        var wrong = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "sam@crm.test", ["Input.Password"] = "not the password at all" });
        Assert.DoesNotContain("integration", await wrong.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // "Forgot password" answers as always but sends nothing; a reset link issued before is refused.
        string oldLink;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CrmUser>>();
            oldLink = await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(sam.Id.ToString()))!);
        }

        var forgot = await app.NewClient().SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = "sam@crm.test" });
        Assert.True(forgot.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect);
        Assert.DoesNotContain(app.Log.Lines, e => e.Category == RequestPasswordReset.LinkLogCategory);
        using (var scope = app.Services.CreateScope())
        {
            var reset = await scope.ServiceProvider.GetRequiredService<ResetPassword>().RunAsync(
                new ResetPasswordInput(sam.Id.ToString(), oldLink, "another long passphrase", "another long passphrase"), PasswordLink.Reset, CancellationToken.None);
            Assert.Equal(SignInUser.IntegrationMessage, reset.Message);
        }

        // An administrator cannot make their own account an integration user.
        var adminId = await app.AdminIdAsync();
        var self = await admin.Http.PutAsJsonAsync($"/api/v1/users/{adminId}", new { email = CrmApp.AdminEmail, fullName = "Admin", roleId = 1, isAdministrator = true, kind = "Integration" });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Contains("kind", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
