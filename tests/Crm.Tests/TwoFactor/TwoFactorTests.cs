using System.Diagnostics;
using System.Globalization;
using System.Net;
using Crm.Tests.ApiTokens;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.TwoFactor;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.TwoFactor;

/// <summary>
/// Two-factor sign-in through the pages, with codes computed by an independent implementation of
/// RFC 6238 (the oathtool command) at the app's clock.
/// </summary>
public sealed class TwoFactorTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task Codes_from_an_independent_implementation_sign_in_once_and_recovery_codes_work_once()
    {
        await using var app = new CrmApp();
        var (secret, recoveryCodes) = await EnrolAsync(app, await app.SignInAsAdminAsync());
        Assert.Equal(10, recoveryCodes.Count);
        var stored = await app.InDatabaseAsync(db => db.Set<TwoFactorEnrolment>().AsNoTracking().SingleAsync());
        Assert.DoesNotContain(secret, stored.ProtectedSecret, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(await app.InDatabaseAsync(db => db.Set<RecoveryCode>().Select(c => c.CodeHash).ToListAsync()),
            h => recoveryCodes.Any(c => h.Contains(c.Replace("-", ""), StringComparison.OrdinalIgnoreCase)));

        // The confirmation's code (same step) is a replay; then a password opens no session by itself.
        var confirmed = Code(secret, app.Clock.GetUtcNow());
        var browser = await PasswordAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/")).StatusCode);
        Assert.Contains(VerifySecondStep.WrongCode, await SecondStepErrorsAsync(browser, confirmed));

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains(VerifySecondStep.WrongCode, await SecondStepErrorsAsync(browser, Code(secret, app.Clock.GetUtcNow().AddSeconds(-60))));
        foreach (var (bad, message) in new[] { ("abcdef", CodeInput.CodeShape), ("1234567", CodeInput.CodeShape), ("", "Enter the 6-digit code") })
        {
            Assert.Contains(await SecondStepErrorsAsync(browser, bad), m => m.Contains(message, StringComparison.Ordinal));
        }

        var now = Code(secret, app.Clock.GetUtcNow());
        var accepted = await browser.SubmitAsync("/account/second-step", new() { ["Input.Code"] = now });
        Assert.Equal("/", accepted.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/")).StatusCode);

        // The same code again, in its window, from another browser: refused.
        var thief = await PasswordAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword);
        Assert.Contains(VerifySecondStep.WrongCode, await SecondStepErrorsAsync(thief, now));

        // A recovery code (typed in lower case, without hyphens) signs in once, is logged and emailed.
        var recovery = recoveryCodes[3];
        Assert.Equal(HttpStatusCode.Redirect, (await thief.SubmitAsync("/account/second-step", new() { ["Input.Code"] = recovery.Replace("-", "").ToLowerInvariant() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await thief.Http.GetAsync("/")).StatusCode);
        var again = await PasswordAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword);
        Assert.Contains(VerifySecondStep.WrongCode, await SecondStepErrorsAsync(again, recovery));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == TwoFactorActivity.RecoveryCodeUsed)));
        Assert.Contains("A recovery code was used", await app.InDatabaseAsync(db =>
            db.OutgoingEmails.Where(m => m.To == CrmApp.AdminEmail && m.Purpose == "two-factor").Select(m => m.Subject).ToListAsync()));
        var (_, security) = await browser.GetPageAsync("/account/security");
        Assert.Equal("9 of 10", security.QuerySelector("#recovery-codes-left")!.TextContent.Trim());
        Assert.Null(security.QuerySelector("#key-text"));
    }

    [Fact]
    public async Task Wrong_codes_lock_the_account_like_wrong_passwords()
    {
        await using var app = new CrmApp();
        var (secret, _) = await EnrolAsync(app, await app.SignInAsAdminAsync());
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var browser = await PasswordAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword);
        for (var i = 0; i < 5; i++)
        {
            await SecondStepErrorsAsync(browser, "000000");
        }

        Assert.Contains(await SecondStepErrorsAsync(browser, Code(secret, app.Clock.GetUtcNow())), m => m.StartsWith("Sign-in failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_policy_holds_an_administrator_without_a_second_factor_on_enrolment_but_not_their_api_token()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var ops = await app.CreateUserAsync("ops@crm.test", Password, administrator: true);
        var token = await TokenKit.CreateOnPageAsync(admin, "Monitoring", ops.Id, acknowledge: true);
        var staff = await app.CreateUserAsync("staff@crm.test", Password);
        var role = await app.InDatabaseAsync(async db =>
        {
            var other = await db.Roles.FirstAsync(r => r.Id != Crm.Web.Features.Roles.DefaultRoles.AdministratorRoleId);
            await db.Users.Where(u => u.Id == staff.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.RoleId, other.Id));
            return other;
        });

        var unknownRole = await admin.SubmitAsync("/admin/two-factor", new() { ["requiredRoles"] = "987654" }, "#policy-form");
        Assert.Contains("does not exist", (await PageClient.ParseAsync(await unknownRole.Content.ReadAsStringAsync())).ValidationMessages().Single(), StringComparison.Ordinal);
        var saved = await admin.SubmitAsync("/admin/two-factor", new() { ["requiredForAdministrators"] = "true", ["requiredRoles"] = role.Id.ToString(CultureInfo.InvariantCulture) }, "#policy-form");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var change = await app.InDatabaseAsync(db => db.ActivityLog.SingleAsync(a => a.Kind == TwoFactorActivity.PolicyChanged));
        Assert.Contains(role.Name, change.Summary, StringComparison.Ordinal);

        // A member of a required role is held like an administrator.
        var member = await app.SignInAsync("staff@crm.test", Password);
        Assert.Equal("/account/security", (await member.Http.GetAsync("/contacts")).Headers.Location?.OriginalString);

        var held = await app.SignInAsync("ops@crm.test", Password);
        foreach (var page in new[] { "/", "/admin", "/admin/users", "/admin/two-factor", "/account", "/contacts" })
        {
            var response = await held.Http.GetAsync(page);
            Assert.True(response.Headers.Location?.OriginalString == "/account/security", $"{page} answered {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await held.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenKit.Integration(app, token).GetAsync("/api/v1/me")).StatusCode);
        var (_, page1) = await held.GetPageAsync("/account/security");
        Assert.NotNull(page1.QuerySelector("#policy-notice"));

        var (_, list) = await admin.GetPageAsync("/admin/two-factor?filter=administrators-without");
        Assert.Equal([CrmApp.AdminEmail, "ops@crm.test"], list.QuerySelectorAll("#two-factor-users tbody th .small").Select(e => e.TextContent.Trim()).Order().ToArray());

        await EnrolAsync(app, held);
        Assert.Equal(HttpStatusCode.OK, (await held.Http.GetAsync("/admin/users")).StatusCode);
        (_, list) = await admin.GetPageAsync("/admin/two-factor?filter=administrators-without");
        Assert.Equal([CrmApp.AdminEmail], list.QuerySelectorAll("#two-factor-users tbody th .small").Select(e => e.TextContent.Trim()).ToArray());
    }

    [Fact]
    public async Task An_administrator_resets_someone_s_second_factor_with_their_own_password()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var sales = await app.CreateUserAsync("sales@crm.test", Password, name: "Sam Sales");
        var samBrowser = await app.SignInAsync("sales@crm.test", Password);
        await EnrolAsync(app, samBrowser);

        var form = $"tr[data-user-id='{sales.Id}'] form.reset-form";
        var refused = await admin.SubmitAsync("/admin/two-factor", new() { ["Input.Password"] = "not my password" }, form);
        var (_, page) = await admin.FollowAsync(refused);
        Assert.Contains(PasswordCheck.WrongPassword, page.ValidationMessages());
        Assert.True(await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sales.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));

        var done = await admin.SubmitAsync("/admin/two-factor", new() { ["Input.Password"] = CrmApp.AdminPassword }, form);
        Assert.Equal("/admin/two-factor?done=reset", done.Headers.Location?.OriginalString);
        Assert.False(await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sales.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<RecoveryCode>().CountAsync(c => c.UserId == sales.Id)));
        Assert.Equal(HttpStatusCode.Redirect, (await samBrowser.Http.GetAsync("/")).StatusCode); // signed out
        var entry = await app.InDatabaseAsync(db => db.ActivityLog.SingleAsync(a => a.Kind == TwoFactorActivity.Reset));
        Assert.Equal(sales.Id, entry.SubjectUserId);
        Assert.Contains("Your two-factor sign-in was reset", await app.InDatabaseAsync(db =>
            db.OutgoingEmails.Where(m => m.To == "sales@crm.test").Select(m => m.Subject).ToListAsync()));

        // Back to a password alone: no second step.
        var after = await PasswordAsync(app, "sales@crm.test", Password);
        Assert.Equal(HttpStatusCode.OK, (await after.Http.GetAsync("/")).StatusCode);
    }

    /// <summary>Sets up two-factor sign-in on <paramref name="client"/>'s account; returns the key shown and the recovery codes, then moves the clock one step on.</summary>
    internal static async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(CrmApp app, PageClient client)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync("/account/security", [], "#start-form")).StatusCode);
        var (_, page) = await client.GetPageAsync("/account/security");
        var secret = page.QuerySelector("#key-text")!.TextContent.Replace(" ", "", StringComparison.Ordinal);
        Assert.StartsWith("data:image/png;base64,", page.QuerySelector("#key-qr-code")!.GetAttribute("src"), StringComparison.Ordinal);

        var wrong = await client.SubmitAsync(page, new() { ["Input.Code"] = "12345a" }, "#confirm-form");
        var wrongPage = await PageClient.ParseAsync(await wrong.Content.ReadAsStringAsync());
        Assert.Contains(CodeInput.CodeShape, wrongPage.FieldError("Input.Code"));

        var confirmed = await client.SubmitAsync(wrongPage.QuerySelector("#confirm-form") is null ? page : wrongPage,
            new() { ["Input.Code"] = Code(secret, app.Clock.GetUtcNow()) }, "#confirm-form");
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var done = await PageClient.ParseAsync(await confirmed.Content.ReadAsStringAsync());
        var codes = done.QuerySelectorAll(".recovery-code").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(10, codes.Count);
        return (secret, codes);
    }

    /// <summary>A browser that gave the right password and now stands at the second step.</summary>
    private static async Task<PageClient> PasswordAsync(CrmApp app, string email, string password)
    {
        var client = app.NewClient();
        var response = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        var location = response.Headers.Location?.OriginalString ?? "";
        if (location.StartsWith("/account/second-step", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/")).StatusCode);
        }

        return client;
    }

    private static async Task<IReadOnlyList<string>> SecondStepErrorsAsync(PageClient client, string code)
    {
        var response = await client.SubmitAsync("/account/second-step", new() { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await PageClient.ParseAsync(await response.Content.ReadAsStringAsync())).ValidationMessages();
    }

    /// <summary>The code an authenticator app shows at <paramref name="at"/>, from oathtool (RFC 6238, SHA-1, 30 s, 6 digits).</summary>
    public static string Code(string secret, DateTimeOffset at)
    {
        var start = new ProcessStartInfo("oathtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--totp", "--base32", "--now", at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), secret })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "oathtool failed: " + process.StandardError.ReadToEnd());
        return output;
    }
}
