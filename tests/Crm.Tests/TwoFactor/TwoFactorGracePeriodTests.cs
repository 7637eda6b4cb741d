using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.TwoFactor;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.TwoFactor;

/// <summary>
/// The two-factor policy's grace period (issue 27, ADR 0048), on the app's controllable clock:
/// people it newly covers work with a banner until their deadline and are held on enrolment from
/// the second after it; the deadline is recorded in the database, not in anyone's session.
/// </summary>
public sealed class TwoFactorGracePeriodTests
{
    private const string Password = "a good long passphrase";
    private const string Banner = "#two-factor-grace-banner";

    [Fact]
    public async Task Inside_the_grace_period_an_administrator_works_with_a_banner_and_one_second_after_it_is_held_on_enrolment()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var (adminSecret, _) = await TwoFactorTests.EnrolAsync(app, admin); // so that the policy leaves the one looking on alone
        var ops = await app.CreateUserAsync("ops@crm.test", Password, administrator: true, name: "Olga Ops");
        await app.SignInAsync("ops@crm.test", Password); // an existing user, signed in before the policy

        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "14")).StatusCode);
        var savedAt = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Contains("grace period: 14 days", await app.InDatabaseAsync(db =>
            db.ActivityLog.Where(a => a.Kind == TwoFactorActivity.PolicyChanged).Select(a => a.Summary).SingleAsync()), StringComparison.Ordinal);
        var deadline = savedAt.AddDays(14);

        // Later that day: signing in works, every page says how long is left and links to the set-up.
        app.Clock.Advance(TimeSpan.FromHours(3));
        var browser = await app.SignInAsync("ops@crm.test", Password);
        foreach (var page in new[] { "/", "/contacts", "/account" })
        {
            var (response, document) = await browser.GetPageAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var banner = document.QuerySelector(Banner);
            Assert.NotNull(banner);
            Assert.Contains("Set up two-factor sign-in by", banner.TextContent, StringComparison.Ordinal);
            Assert.Contains("(14 days left)", banner.TextContent, StringComparison.Ordinal);
            Assert.Equal("/account/security", banner.QuerySelector("a")!.GetAttribute("href"));
            Assert.NotNull(banner.QuerySelector("button[data-bs-dismiss='alert']"));
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        var (_, list) = await admin.GetPageAsync("/admin/two-factor?filter=administrators-without");
        Assert.Contains("In grace", DeadlineCell(list, ops.Id), StringComparison.Ordinal);
        Assert.Equal(1, list.QuerySelectorAll("#two-factor-users tbody tr").Length);
        // The API says the same: the deadline to the second, not yet passed; the administrator with a factor has none.
        var listed = await (await admin.Http.GetAsync("/api/v1/two-factor/users?filter=administrators-without")).ReadJsonAsync();
        var olga = Assert.Single(listed.GetProperty("users").EnumerateArray());
        Assert.Equal((ops.Id, true, false, false), (olga.GetProperty("userId").GetGuid(), olga.GetProperty("required").GetBoolean(),
            olga.GetProperty("enabled").GetBoolean(), olga.GetProperty("overdue").GetBoolean()));
        Assert.True(Math.Abs((olga.GetProperty("deadline").GetDateTime() - deadline).TotalSeconds) < 1, olga.GetProperty("deadline").ToString());
        var everyone = await (await admin.Http.GetAsync("/api/v1/two-factor/users")).ReadJsonAsync();
        var me = everyone.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("email").GetString() == CrmApp.AdminEmail);
        Assert.Equal((true, JsonValueKind.Null), (me.GetProperty("enabled").GetBoolean(), me.GetProperty("deadline").ValueKind));
        Assert.Equal(14, everyone.GetProperty("graceDays").GetInt32());
        var badFilter = await admin.Http.GetAsync("/api/v1/two-factor/users?filter=everyone");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.True((await badFilter.ReadJsonAsync()).GetProperty("errors").TryGetProperty("filter", out _));
        await app.CreateUserAsync("clerk@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignInAsync("clerk@crm.test", Password)).Http.GetAsync("/api/v1/two-factor/users")).StatusCode);

        // The health indicator still counts an administrator in their grace period as one without a second factor.
        var health = await app.InDatabaseAsync(db => new AdministratorsTwoFactorHealth(db).MeasureAsync(app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Equal(50, health.Value);
        Assert.Contains("Olga Ops", health.Summary, StringComparison.Ordinal);

        // The last second of the grace period (signed in again: a session does not stay open for two weeks): still working.
        app.Clock.Advance(deadline - app.Clock.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(1));
        browser = await app.SignInAsync("ops@crm.test", Password);
        var (lastSecond, lastPage) = await browser.GetPageAsync("/contacts");
        Assert.Equal(HttpStatusCode.OK, lastSecond.StatusCode);
        Assert.Contains("(1 day left)", lastPage.QuerySelector(Banner)!.TextContent, StringComparison.Ordinal);

        // One second after the deadline, the same session is held on enrolment, pages and API alike.
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("/account/security", (await browser.Http.GetAsync("/contacts")).Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        var (_, security) = await browser.GetPageAsync("/account/security");
        Assert.NotNull(security.QuerySelector("#policy-notice"));
        Assert.Null(security.QuerySelector(Banner));
        var again = app.NewClient();
        var signIn = await again.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "ops@crm.test", ["Input.Password"] = Password });
        Assert.Equal("/account/security", signIn.Headers.Location?.OriginalString);
        admin = await SignInWithCodeAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword, adminSecret);
        (_, list) = await admin.GetPageAsync("/admin/two-factor?filter=administrators-without");
        Assert.Contains("Overdue", DeadlineCell(list, ops.Id), StringComparison.Ordinal);

        // Enrolling releases the session and ends the banner.
        await TwoFactorTests.EnrolAsync(app, browser);
        var (released, after) = await browser.GetPageAsync("/contacts");
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Null(after.QuerySelector(Banner));
        (_, list) = await admin.GetPageAsync("/admin/two-factor");
        Assert.Equal("", DeadlineCell(list, ops.Id));
    }

    [Fact]
    public async Task The_reminder_speaks_the_persons_language()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        await TwoFactorTests.EnrolAsync(app, admin);
        await app.CreateUserAsync("ops@crm.test", Password, administrator: true, name: "Olga Ops");
        await app.SignInAsync("ops@crm.test", Password);
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "1")).StatusCode);

        var browser = await app.SignInAsync("ops@crm.test", Password);
        var (_, account) = await browser.GetPageAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(account, new() { ["Preferences.Language"] = "de" }, "#preferences")).StatusCode);
        var (_, page) = await browser.GetPageAsync("/contacts");
        var banner = page.QuerySelector(Banner)!;
        Assert.Contains("Richten Sie die Zwei-Faktor-Anmeldung bis", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("(noch 1 Tag)", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("Ihre Organisation verlangt sie", banner.TextContent, StringComparison.Ordinal);
        Assert.Equal("Auf dieser Seite ausblenden", banner.QuerySelector("button")!.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Someone_with_a_second_factor_never_sees_anything()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var secure = await app.CreateUserAsync("secure@crm.test", Password, administrator: true);
        var (secret, _) = await TwoFactorTests.EnrolAsync(app, await app.SignInAsync("secure@crm.test", Password));
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "30")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().AnyAsync(c => c.UserId == secure.Id)));
        var (_, list) = await admin.GetPageAsync("/admin/two-factor");
        Assert.Equal("", DeadlineCell(list, secure.Id));

        foreach (var days in new[] { 0, 40 })
        {
            app.Clock.Advance(TimeSpan.FromDays(days));
            var browser = await SignInWithCodeAsync(app, "secure@crm.test", Password, secret);
            var (response, page) = await browser.GetPageAsync("/contacts");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(page.QuerySelector(Banner));
        }
    }

    [Fact]
    public async Task No_grace_period_holds_at_once_as_before_and_a_new_administrator_gets_none_either()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        await app.CreateUserAsync("ops@crm.test", Password, administrator: true);
        await app.SignInAsync("ops@crm.test", Password);

        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "0")).StatusCode);
        var held = app.NewClient();
        var signIn = await held.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "ops@crm.test", ["Input.Password"] = Password });
        Assert.Equal("/account/security", signIn.Headers.Location?.OriginalString);
        Assert.Equal("/account/security", (await held.Http.GetAsync("/contacts")).Headers.Location?.OriginalString);
        Assert.Null((await held.GetPageAsync("/account/security")).Document.QuerySelector(Banner));

        // With a grace period, an administrator created afterwards is held at their first sign-in all the same.
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "30")).StatusCode);
        var newcomer = await app.CreateUserAsync("new@crm.test", Password, administrator: true);
        var first = app.NewClient();
        signIn = await first.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "new@crm.test", ["Input.Password"] = Password });
        Assert.Equal("/account/security", signIn.Headers.Location?.OriginalString);
        Assert.Equal("/account/security", (await first.Http.GetAsync("/contacts")).Headers.Location?.OriginalString);
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().Where(c => c.UserId == newcomer.Id).Select(c => c.GraceApplies).SingleAsync()));
    }

    [Fact]
    public async Task The_deadline_survives_a_restart_and_turning_the_policy_off_and_on_gives_fresh_notice()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var (adminSecret, _) = await TwoFactorTests.EnrolAsync(app, admin);
        var ops = await app.CreateUserAsync("ops@crm.test", Password, administrator: true);
        await app.SignInAsync("ops@crm.test", Password);
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "10")).StatusCode);
        var savedAt = app.Clock.GetUtcNow();
        var since = await CoveredSinceAsync(app, ops.Id);

        // Five days later on a restarted instance (its own clock): the same deadline.
        await using (var restarted = new CrmApp().With("ConnectionStrings:Crm", app.Database.ConnectionString))
        {
            restarted.Clock.Advance(savedAt + TimeSpan.FromDays(5) - restarted.Clock.GetUtcNow());
            var browser = await restarted.SignInAsync("ops@crm.test", Password);
            var (_, page) = await browser.GetPageAsync("/contacts");
            Assert.Contains("(5 days left)", page.QuerySelector(Banner)!.TextContent, StringComparison.Ordinal);
            Assert.Equal(since, await CoveredSinceAsync(restarted, ops.Id));

            restarted.Clock.Advance(TimeSpan.FromDays(5) - TimeSpan.FromSeconds(1));
            browser = await restarted.SignInAsync("ops@crm.test", Password);
            Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/contacts")).StatusCode);
            restarted.Clock.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal("/account/security", (await browser.Http.GetAsync("/contacts")).Headers.Location?.OriginalString);
        }

        // Off, then on again twenty days later: the policy gives fresh notice from the moment it covers them again.
        app.Clock.Advance(TimeSpan.FromDays(11));
        admin = await SignInWithCodeAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword, adminSecret);
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: false, "10")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().AnyAsync(c => c.UserId == ops.Id)));
        app.Clock.Advance(TimeSpan.FromDays(20));
        admin = await SignInWithCodeAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword, adminSecret);
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "10")).StatusCode);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, await CoveredSinceAsync(app, ops.Id));
        var (_, again) = await (await app.SignInAsync("ops@crm.test", Password)).GetPageAsync("/contacts");
        Assert.Contains("(10 days left)", again.QuerySelector(Banner)!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("91")]
    [InlineData("two weeks")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task A_grace_period_outside_0_to_90_whole_days_is_refused_on_its_field_and_changes_nothing(string entered)
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var response = await SavePolicyAsync(admin, administrators: true, entered);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal(SaveTwoFactorPolicy.GraceDaysRange, page.FieldError("graceDays"));
        if (entered.Length > 0)
        {
            Assert.Equal(entered, page.QuerySelector("#grace-days")!.GetAttribute("value"));
        }

        var policy = await app.InDatabaseAsync(db => db.Set<TwoFactorPolicy>().AsNoTracking().SingleAsync());
        Assert.False(policy.RequiredForAdministrators);
        Assert.Equal(0, policy.GraceDays);
        Assert.False(await app.InDatabaseAsync(db => db.ActivityLog.AnyAsync(a => a.Kind == TwoFactorActivity.PolicyChanged)));
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().AnyAsync()));
    }

    [Fact]
    public async Task The_api_reads_and_sets_the_grace_period_and_refuses_a_bad_one_on_its_field()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var staff = await app.CreateUserAsync("staff@crm.test", Password);
        Assert.Equal(0, (await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/two-factor/policy")).GetProperty("graceDays").GetInt32());

        foreach (var bad in new object[] { new { requiredForAdministrators = true, graceDays = -1 }, new { requiredForAdministrators = true, graceDays = 91 }, new { requiredForAdministrators = true } })
        {
            var refused = await admin.Http.PutAsJsonAsync("/api/v1/two-factor/policy", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(SaveTwoFactorPolicy.GraceDaysRange, problem.GetProperty("errors").GetProperty("graceDays")[0].GetString());
        }

        using var text = new StringContent("{\"requiredForAdministrators\":true,\"graceDays\":\"two weeks\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PutAsync("/api/v1/two-factor/policy", text)).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.ActivityLog.AnyAsync(a => a.Kind == TwoFactorActivity.PolicyChanged)));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync("/api/v1/two-factor/policy", new { requiredForAdministrators = true, graceDays = 21 })).StatusCode);
        var read = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/two-factor/policy");
        Assert.Equal(21, read.GetProperty("graceDays").GetInt32());
        Assert.True(read.GetProperty("requiredForAdministrators").GetBoolean());
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, await CoveredSinceAsync(app, await app.AdminIdAsync()));

        // Someone not an administrator cannot read it.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignInAsync("staff@crm.test", Password)).Http.GetAsync("/api/v1/two-factor/policy")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().AnyAsync(c => c.UserId == staff.Id)));
    }

    [Fact]
    public async Task Made_an_administrator_after_the_policy_their_grace_period_runs_from_the_change_and_ends_with_it()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var (adminSecret, _) = await TwoFactorTests.EnrolAsync(app, admin);
        var staff = await app.CreateUserAsync("staff@crm.test", Password, name: "Sam Staff");
        staff.RoleId = Crm.Web.Features.Roles.DefaultRoles.AdministratorRoleId;
        await app.SignInAsync("staff@crm.test", Password); // an existing user
        Assert.Equal(HttpStatusCode.Redirect, (await SavePolicyAsync(admin, administrators: true, "14")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().AnyAsync(c => c.UserId == staff.Id)));

        // Three days on, Sam is made an administrator: the policy covers him from that moment, not from his next sign-in.
        app.Clock.Advance(TimeSpan.FromDays(3));
        admin = await SignInWithCodeAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword, adminSecret);
        Task<HttpResponseMessage> MakeAdministratorAsync(PageClient by, bool administrator) => by.Http.PutAsJsonAsync($"/api/v1/users/{staff.Id}",
            new { email = staff.Email, fullName = staff.FullName, roleId = staff.RoleId, isAdministrator = administrator });
        Assert.Equal(HttpStatusCode.NoContent, (await MakeAdministratorAsync(admin, true)).StatusCode);
        var changedAt = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(changedAt, await CoveredSinceAsync(app, staff.Id));

        // Signing in a week later, half of the fortnight is left.
        app.Clock.Advance(TimeSpan.FromDays(7));
        var sam = await app.SignInAsync("staff@crm.test", Password);
        var (_, page) = await sam.GetPageAsync("/contacts");
        Assert.Contains("(7 days left)", page.QuerySelector(Banner)!.TextContent, StringComparison.Ordinal);
        Assert.Equal(changedAt, await CoveredSinceAsync(app, staff.Id));

        // No longer an administrator: the policy lets him go, and his moment with it.
        admin = await SignInWithCodeAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword, adminSecret);
        Assert.Equal(HttpStatusCode.NoContent, (await MakeAdministratorAsync(admin, false)).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().AnyAsync(c => c.UserId == staff.Id)));
    }

    private static Task<HttpResponseMessage> SavePolicyAsync(PageClient admin, bool administrators, string graceDays) =>
        admin.SubmitAsync("/admin/two-factor",
            new() { ["requiredForAdministrators"] = administrators ? "true" : "false", ["graceDays"] = graceDays }, "#policy-form");

    /// <summary>A fresh session of someone with a second factor: the clock moves one time step on, so that the code is a new one.</summary>
    private static async Task<PageClient> SignInWithCodeAsync(CrmApp app, string email, string password, string secret)
    {
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var browser = app.NewClient();
        await browser.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        var second = await browser.SubmitAsync("/account/second-step", new() { ["Input.Code"] = TwoFactorTests.Code(secret, app.Clock.GetUtcNow()) });
        Assert.Equal("/", second.Headers.Location?.OriginalString);
        return browser;
    }

    private static Task<DateTime> CoveredSinceAsync(CrmApp app, Guid userId) =>
        app.InDatabaseAsync(db => db.Set<TwoFactorCoverage>().Where(c => c.UserId == userId).Select(c => c.CoveredSince).SingleAsync());

    private static string DeadlineCell(IDocument list, Guid userId) =>
        list.QuerySelector($"#two-factor-users tr[data-user-id='{userId}'] .two-factor-deadline")!.TextContent.Trim();
}
