using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Email;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Users;

public sealed class UserAdministrationTests
{
    [Fact]
    public async Task Adding_a_user_queues_a_welcome_email_whose_link_sets_the_password_once()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var response = await admin.SubmitAsync("/admin/users/new", new()
        {
            ["Input.Email"] = "lena@crm.test",
            ["Input.FullName"] = "Lena Fischer",
            ["Input.RoleId"] = "1",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        var link = new Uri(page.QuerySelector("#set-password-link")!.GetAttribute("value")!);
        Assert.Equal("/account/set-password", link.AbsolutePath);

        // The welcome email waits in the outbox, its body encrypted at rest but carrying the same link.
        var email = await app.InDatabaseAsync(db => db.OutgoingEmails.SingleAsync());
        Assert.Equal(("lena@crm.test", EmailStatus.Queued, "welcome"), (email.To, email.Status, email.Purpose));
        Assert.DoesNotContain("token=", email.ProtectedBody, StringComparison.Ordinal);
        using (var scope = app.Services.CreateScope())
        {
            Assert.Contains(link.ToString(), scope.ServiceProvider.GetRequiredService<EmailOutbox>().ReadBody(email), StringComparison.Ordinal);
        }

        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()), k => k == ActivityKinds.UserCreated);

        var newcomer = app.NewClient();
        var (_, setPage) = await newcomer.GetPageAsync(link.PathAndQuery);
        Assert.Contains("Choose your password", setPage.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        var set = await newcomer.SubmitAsync(setPage, new() { ["Input.NewPassword"] = "lena chooses this one", ["Input.ConfirmNewPassword"] = "lena chooses this one" });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        await app.SignInAsync("lena@crm.test", "lena chooses this one");

        var (_, again) = await newcomer.GetPageAsync(link.PathAndQuery);
        var reused = await newcomer.SubmitAsync(again, new() { ["Input.NewPassword"] = "someone else's try", ["Input.ConfirmNewPassword"] = "someone else's try" });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("invalid, already used or expired", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_welcome_link_expires_after_72_hours()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "late@crm.test", fullName = "Late Comer", roleId = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = new Uri(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("setPasswordLink").GetString()!);

        // Identity's token lifetime runs on the system clock, so this checks the configured span.
        using var scope = app.Services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Crm.Web.Features.Account.SetPasswordTokenOptions>>().Value;
        Assert.Equal(TimeSpan.FromHours(72), options.TokenLifespan);
        Assert.Equal("/account/set-password", link.AbsolutePath);
    }

    [Fact]
    public async Task Bad_input_gives_a_message_per_field_and_adds_nobody()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var before = await app.InDatabaseAsync(db => db.Users.CountAsync());

        var duplicate = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = CrmApp.AdminEmail, fullName = "Copy", roleId = 1 });
        var unknowns = await admin.Http.PostAsJsonAsync("/api/v1/users", new
        {
            email = "new@crm.test", fullName = new string('x', 300), roleId = 999, departmentIds = new[] { 12345 }, groupIds = new[] { 777 },
            primaryDepartmentId = 5, timeZone = "Mars/Olympus", language = "xx",
        });

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("already exists", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var errors = JsonDocument.Parse(await unknowns.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        foreach (var field in new[] { "fullName", "roleId", "departmentIds", "groupIds", "primaryDepartmentId", "timeZone", "language" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no message for {field}");
        }

        Assert.Equal(before, await app.InDatabaseAsync(db => db.Users.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.OutgoingEmails.CountAsync()));
    }

    [Fact]
    public async Task Seats_are_limited_and_deactivation_frees_one()
    {
        await using var app = new CrmApp().With("Licensing:IncludedSeats", "1").With("Licensing:ExtraSeats", "1");
        var admin = await app.SignInAsAdminAsync();
        var first = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "one@crm.test", fullName = "One", roleId = 1 });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var second = await admin.SubmitAsync("/admin/users/new", new() { ["Input.Email"] = "two@crm.test", ["Input.FullName"] = "Two", ["Input.RoleId"] = "1" });
        var message = (await PageClient.ParseAsync(await second.Content.ReadAsStringAsync())).ValidationMessages();
        Assert.Contains(message, m => m.Contains("All 2 seats", StringComparison.Ordinal) && m.Contains("Deactivate an idle account", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{firstId}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "two@crm.test", fullName = "Two", roleId = 1 })).StatusCode);

        var reactivate = await admin.Http.PostAsync($"/api/v1/users/{firstId}/activate", null);
        Assert.Equal(HttpStatusCode.Conflict, reactivate.StatusCode);
        Assert.Contains("seats", await reactivate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_licence_without_a_seat_limit_refuses_no_one_and_says_so()
    {
        // Unlimited wins over a count that would otherwise refuse the second user.
        await using var app = new CrmApp().With("Licensing:Unlimited", "true").With("Licensing:IncludedSeats", "1").With("Licensing:ExtraSeats", "0");
        var admin = await app.SignInAsAdminAsync();
        var ids = new List<Guid>();
        foreach (var name in new[] { "One", "Two", "Three" })
        {
            var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = $"{name.ToLowerInvariant()}@crm.test", fullName = name, roleId = 1 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{ids[0]}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PostAsync($"/api/v1/users/{ids[0]}/activate", null)).StatusCode);

        var (_, seats) = await admin.GetPageAsync("/admin/seats");
        Assert.Contains("4 seats in use; the licence sets no limit.", System.Text.RegularExpressions.Regex.Replace(seats.Body!.TextContent, @"\s+", " "), StringComparison.Ordinal);
        var health = await (await admin.Http.GetAsync("/api/v1/health")).ReadJsonAsync();
        var seatsLine = health.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == SeatsHealth.Key);
        Assert.Equal("Good", seatsLine.GetProperty("state").GetString());
        Assert.Equal("4 active users; the licence sets no seat limit (Licensing:Unlimited)", seatsLine.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Deactivation_signs_the_user_out_at_once_and_is_refused_for_oneself_and_the_last_administrator()
    {
        await using var app = new CrmApp();
        var omar = await app.CreateUserAsync("omar@crm.test", "a good long passphrase");
        var omarsBrowser = await app.SignInAsync("omar@crm.test", "a good long passphrase");
        var admin = await app.SignInAsAdminAsync();

        var (_, page) = await admin.GetPageAsync($"/admin/users/{omar.Id}");
        var deactivated = await admin.SubmitAsync(page, new(), "form[action$='handler=Deactivate']");
        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await omarsBrowser.Http.GetAsync("/")).StatusCode);
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()), k => k == ActivityKinds.UserDeactivated);

        var adminId = await app.AdminIdAsync();
        var self = await admin.Http.PostAsync($"/api/v1/users/{adminId}/deactivate", null);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);

        // Another administrator tries to take out the only active administrator... who is then the other one.
        await app.CreateUserAsync("second@crm.test", "second admin passphrase", administrator: true);
        var second = await app.SignInAsync("second@crm.test", "second admin passphrase");
        Assert.Equal(HttpStatusCode.NoContent, (await second.Http.PostAsync($"/api/v1/users/{adminId}/deactivate", null)).StatusCode);
        var secondId = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "second@crm.test").Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await second.Http.PostAsync($"/api/v1/users/{secondId}/deactivate", null)).StatusCode);
    }

    [Fact]
    public async Task Nobody_changes_their_own_role_or_administrator_flag_and_extra_fields_are_ignored()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();

        var demote = await admin.Http.PutAsJsonAsync($"/api/v1/users/{adminId}", new { email = CrmApp.AdminEmail, fullName = "Administrator", roleId = 1, isAdministrator = false });
        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Contains("isAdministrator", await demote.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Fields that are not part of the form cannot be set through the API either.
        var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new
        {
            email = "mass@crm.test", fullName = "Mass Assignment", roleId = 1,
            isActive = false, mustChangePassword = true, passwordHash = "x", lastSignInAt = "2020-01-01T00:00:00Z", id = Guid.Empty,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await app.InDatabaseAsync(db => db.Users.SingleAsync(u => u.Email == "mass@crm.test"));
        Assert.True(user.IsActive);
        Assert.False(user.MustChangePassword);
        Assert.Null(user.PasswordHash);
        Assert.Null(user.LastSignInAt);
        Assert.NotEqual(Guid.Empty, user.Id);
    }

    [Fact]
    public async Task Staff_cannot_reach_user_administration_by_page_or_api()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        foreach (var url in new[] { "/admin/users", "/admin/users/new", "/admin/seats", "/api/v1/users" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync(url)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsJsonAsync("/api/v1/users", new { email = "x@crm.test", fullName = "X", roleId = 1 })).StatusCode);
    }

    [Fact]
    public async Task Deleting_moves_everything_owned_to_the_chosen_user_and_removes_the_account()
    {
        await using var app = new CrmApp();
        var leaver = await app.CreateUserAsync("leaver@crm.test", "a good long passphrase");
        var receiver = await app.CreateUserAsync("receiver@crm.test", "a good long passphrase");
        var admin = await app.SignInAsAdminAsync();

        var (_, page) = await admin.GetPageAsync($"/admin/users/{leaver.Id}/delete");
        var withoutReceiver = await admin.SubmitAsync(page, new());
        Assert.Contains("Choose the active user", await withoutReceiver.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var deleted = await admin.SubmitAsync(page, new() { ["ReassignTo"] = receiver.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Users.AnyAsync(u => u.Id == leaver.Id)));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()), k => k == ActivityKinds.UserDeleted);
    }

    [Fact]
    public async Task A_failure_half_way_through_a_deletion_leaves_everything_as_it_was()
    {
        await using var app = new CrmApp();
        await using var failing = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            // The first kind of record really moves (group memberships stand in for owned records)...
            s.AddOwnedRecords(new OwnedRecords("memberships",
                (db, user, ct) => db.GroupMembers.CountAsync(m => m.UserId == user, ct),
                async (db, handover, ct) => await db.GroupMembers.Where(m => m.UserId == handover.From).ExecuteUpdateAsync(u => u.SetProperty(m => m.UserId, handover.To), ct)));
            // ...then the second fails.
            s.AddOwnedRecords(new OwnedRecords("broken", (_, _, _) => Task.FromResult(1), (_, _, _) => throw new InvalidOperationException("disk full")));
        }));
        _ = failing.Server;
        using var scope = failing.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var leaver = await app.CreateUserAsync("leaver@crm.test", "a good long passphrase");
        var receiver = await app.CreateUserAsync("receiver@crm.test", "a good long passphrase");
        db.Groups.Add(new Group { Name = "Key accounts", Members = [new GroupMember { UserId = leaver.Id }] });
        await db.SaveChangesAsync();

        var jar = new CookieJar();
        var admin = new PageClient(failing.CreateDefaultClient(new Uri("http://localhost"), jar), jar);
        await admin.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        var response = await admin.Http.DeleteAsync($"/api/v1/users/{leaver.Id}?reassignTo={receiver.Id}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        db.ChangeTracker.Clear();
        Assert.True(await db.Users.AnyAsync(u => u.Id == leaver.Id));
        Assert.Equal(leaver.Id, (await db.GroupMembers.SingleAsync()).UserId);
        Assert.DoesNotContain(await db.ActivityLog.Select(a => a.Kind).ToListAsync(), k => k == ActivityKinds.UserDeleted);
    }
}
