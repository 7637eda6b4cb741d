using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Account;

public sealed class SignInTests
{
    [Fact]
    public async Task The_administrator_signs_in_and_reaches_the_home_page()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();

        var (response, page) = await client.GetPageAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Welcome, Administrator", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == CrmApp.AdminEmail).Select(u => u.LastSignInAt).SingleAsync()));
    }

    [Fact]
    public async Task Sign_ins_failures_and_sign_outs_are_in_the_activity_log_with_the_address_they_came_from()
    {
        await using var app = new CrmApp();
        var client = app.NewClient();
        await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "ghost@crm.test", ["Input.Password"] = "whatever password" });
        await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = "not the password" });
        var admin = await app.SignInAsAdminAsync();
        var (_, home) = await admin.GetPageAsync("/");
        await admin.SubmitAsync(home, new(), "form[action='/account/sign-out']");

        var entries = await app.InDatabaseAsync(db => db.ActivityLog.OrderBy(a => a.Id).Select(a => new { a.Kind, a.Summary, a.IpAddress, a.ActorUserId }).ToListAsync());
        Assert.Equal(["sign-in-failed", "sign-in-failed", "sign-in", "sign-out"], entries.Select(e => e.Kind));
        Assert.Contains("ghost@crm.test", entries[0].Summary, StringComparison.Ordinal);
        Assert.Null(entries[0].ActorUserId);
        Assert.Contains("wrong password", entries[1].Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => e.Summary.Contains("not the password", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.IpAddress)));
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_the_sign_in_page()
    {
        await using var app = new CrmApp();
        var response = await app.NewClient().Http.GetAsync("/account");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_email_wrong_password_and_locked_account_get_the_same_answer()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("ann@crm.test", "a good long passphrase");
        var client = app.NewClient();

        async Task<IReadOnlyList<string>> Attempt(string email, string password)
        {
            var response = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
            return page.ValidationMessages();
        }

        var unknown = await Attempt("nobody@crm.test", "whatever password");
        var wrong = await Attempt("ann@crm.test", "not the password");
        Assert.Equal([SignInUser.FailureMessage], unknown);
        Assert.Equal(unknown, wrong);

        for (var i = 0; i < 5; i++)
        {
            await Attempt("ann@crm.test", "not the password");
        }

        // Locked out: even the right password gets the very same answer.
        Assert.Equal(unknown, await Attempt("ann@crm.test", "a good long passphrase"));
        // Identity keeps lockout times on the system clock (it takes no TimeProvider): the window is about 15 minutes.
        var lockoutEnd = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "ann@crm.test").Select(u => u.LockoutEnd).SingleAsync());
        var remaining = lockoutEnd!.Value - TimeProvider.System.GetUtcNow();
        Assert.InRange(remaining, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));
    }

    [Fact]
    public async Task Signing_out_makes_a_copied_cookie_worthless()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();
        var (_, home) = await client.GetPageAsync("/");

        // An attacker's copy of the session cookie, taken before sign-out.
        var stolen = app.NewClient();
        stolen.Cookies.Add(client.Cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.OK, (await stolen.Http.GetAsync("/")).StatusCode);

        var signOut = await client.SubmitAsync(home, new(), "form[action='/account/sign-out']");
        Assert.Equal("/account/sign-in?notice=signed-out", signOut.Headers.Location!.OriginalString);

        var replay = await stolen.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/account/sign-in", replay.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deactivated_user_is_signed_out_at_the_next_request_and_cannot_sign_in()
    {
        await using var app = new CrmApp();
        var user = await app.CreateUserAsync("omar@crm.test", "a good long passphrase");
        var client = await app.SignInAsync("omar@crm.test", "a good long passphrase");
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/")).StatusCode);

        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));

        var next = await client.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith("/account/sign-in", next.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync("/api/v1/me")).StatusCode);

        var again = await app.NewClient().SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "omar@crm.test", ["Input.Password"] = "a good long passphrase" });
        var page = await PageClient.ParseAsync(await again.Content.ReadAsStringAsync());
        Assert.Contains(page.ValidationMessages(), m => m.Contains("deactivated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_security_stamp_ends_the_session_at_the_next_request()
    {
        await using var app = new CrmApp();
        var user = await app.CreateUserAsync("lena@crm.test", "a good long passphrase");
        var client = await app.SignInAsync("lena@crm.test", "a good long passphrase");

        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString())));

        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_same_site_lax_and_secure_on_https()
    {
        await using var app = new CrmApp();
        var http = app.NewClient();
        var page = await http.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        var plain = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("crm.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", plain, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", plain.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        var https = app.NewClient("https://localhost");
        var secure = await https.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        Assert.Contains(secure.Headers.GetValues("Set-Cookie"), c => c.StartsWith("crm.auth=", StringComparison.Ordinal) && c.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_return_url_is_followed_only_when_it_is_local()
    {
        await using var app = new CrmApp();
        var local = await app.NewClient().SubmitAsync("/account/sign-in?ReturnUrl=%2Faccount",
            new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        Assert.Equal("/account", local.Headers.Location!.OriginalString);

        var foreign = await app.NewClient().SubmitAsync("/account/sign-in?ReturnUrl=https%3A%2F%2Fevil.example%2F",
            new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        Assert.Equal("/", foreign.Headers.Location!.OriginalString);
    }
}
