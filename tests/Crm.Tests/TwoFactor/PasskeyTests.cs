using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Crm.Web.Features.TwoFactor;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Crm.Tests.TwoFactor;

/// <summary>
/// Passkeys through the front door: the pages' option requests and forms, answered by a software
/// authenticator written from the WebAuthn spec, so every refusal (old challenge, other origin,
/// unknown credential, stale counter, passwordless off, deactivated user) is the server's own.
/// </summary>
public sealed class PasskeyTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task A_passkey_added_after_a_fresh_sign_in_is_a_second_factor_whose_challenges_work_once()
    {
        await using var app = new CrmApp();
        await app.InDatabaseAsync(db => db.Set<TwoFactorPolicy>().ExecuteUpdateAsync(u => u.SetProperty(p => p.RequiredForAdministrators, true)));
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(SecondFactorPolicy.SecurityPath, (await admin.Http.GetAsync("/contacts")).Headers.Location?.OriginalString);

        // Signed in more than 10 minutes ago: adding a way to sign in asks for the password.
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        var (status, answer) = await OptionsAsync(admin, "/account/security", "#passkey-add-form", new() { [AddPasskey.NameField] = "Laptop" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(FreshSignIn.Needed, answer.GetProperty("errors").GetProperty(FreshSignIn.PasswordField)[0].GetString());
        (status, answer) = await OptionsAsync(admin, "/account/security", "#passkey-add-form", new() { [AddPasskey.NameField] = " ", [FreshSignIn.PasswordField] = CrmApp.AdminPassword });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(answer.GetProperty("errors").TryGetProperty(AddPasskey.NameField, out _));

        using var laptop = new SoftwarePasskey();
        var added = await AddAsync(admin, laptop, "Laptop", CrmApp.AdminPassword);
        Assert.Equal(SecondFactorPolicy.SecurityPath + "?done=passkey-added", added.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/contacts")).StatusCode);
        var stored = await app.InDatabaseAsync(db => db.Set<Passkey>().AsNoTracking().SingleAsync());
        Assert.Equal("Laptop", stored.Name);
        Assert.Equal(laptop.CredentialId, stored.CredentialId);
        Assert.True(await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == CrmApp.AdminEmail).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == TwoFactorActivity.PasskeyAdded)));
        Assert.Contains("A passkey was added", await app.InDatabaseAsync(db => db.OutgoingEmails.Where(m => m.To == CrmApp.AdminEmail).Select(m => m.Subject).ToListAsync()));

        // The same name twice is refused, and a ceremony left too long expires.
        (status, answer) = await OptionsAsync(admin, "/account/security", "#passkey-add-form", new() { [AddPasskey.NameField] = "laptop" });
        Assert.Equal(AddPasskey.TakenName, answer.GetProperty("errors").GetProperty(AddPasskey.NameField)[0].GetString());
        using var phone = new SoftwarePasskey();
        var (page, options) = await StartAsync(admin, "/account/security", "#passkey-add-form", new() { [AddPasskey.NameField] = "Phone" });
        app.Clock.Advance(PasskeyCeremonies.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Contains(AddPasskey.Expired, await ErrorsAsync(await admin.SubmitAsync(page, new() { ["credential"] = phone.Register(options) }, "#passkey-add-form")));

        // With a passkey only, the second step offers it and no code box.
        var browser = await PasswordAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword);
        var (_, step) = await browser.GetPageAsync(PendingSecondStep.Path);
        Assert.NotNull(step.QuerySelector("#passkey-form"));
        Assert.Null(step.QuerySelector("input[name='Input.Code']"));
        (page, options) = await StartAsync(browser, PendingSecondStep.Path, "#passkey-form", []);
        var assertion = laptop.Assert(options);
        var signedIn = await browser.SubmitAsync(page, new() { ["credential"] = assertion }, "#passkey-form");
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/contacts")).StatusCode);
        stored = await app.InDatabaseAsync(db => db.Set<Passkey>().AsNoTracking().SingleAsync());
        Assert.Equal((1L, app.Clock.GetUtcNow().UtcDateTime), (stored.SignCount, stored.LastUsedAt!.Value));

        // An answer is good once: replayed at another browser's second step (its own challenge), it is refused.
        var thief = await PasswordAsync(app, CrmApp.AdminEmail, CrmApp.AdminPassword);
        (page, _) = await StartAsync(thief, PendingSecondStep.Path, "#passkey-form", []);
        Assert.Contains(SignInWithPasskey.Refused, await ErrorsAsync(await thief.SubmitAsync(page, new() { ["credential"] = assertion }, "#passkey-form")));
        // ... and its challenge is gone: a second answer to it finds nothing.
        Assert.Contains(SignInWithPasskey.Expired, await ErrorsAsync(await thief.SubmitAsync(page, new() { ["credential"] = laptop.Assert(options) }, "#passkey-form")));

        // Another origin, an unknown credential, a counter that did not grow: refused, logged.
        laptop.Origin = "http://crm.evil.test";
        Assert.Contains(SignInWithPasskey.Refused, await AnswerSecondStepAsync(thief, laptop, 1));
        laptop.Origin = "http://localhost";
        using var stranger = new SoftwarePasskey();
        Assert.Contains(SignInWithPasskey.Refused, await AnswerSecondStepAsync(thief, stranger, 1));
        laptop.Counter = 1; // what the server stored at the last sign-in: a copy of the authenticator would report it again
        Assert.Contains(SignInWithPasskey.CounterRefused, await AnswerSecondStepAsync(thief, laptop, 0));
        Assert.Contains(app.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("sign counter", StringComparison.Ordinal));
        Assert.Equal(4, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == "sign-in-failed" && a.Summary.Contains("passkey")))); // replay, origin, unknown, counter

        // After the refusals the real authenticator still signs in; failures counted towards the lockout were cleared.
        Assert.Equal("/", (await SecondStepAsync(thief, laptop)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Passwordless_sign_in_works_only_where_allowed_and_never_for_a_deactivated_person()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var sales = await app.CreateUserAsync("sales@crm.test", Password, name: "Sam Sales");
        var sam = await app.SignInAsync("sales@crm.test", Password);
        using var key = new SoftwarePasskey();
        Assert.Equal(HttpStatusCode.Redirect, (await AddAsync(sam, key, "Phone", null)).StatusCode);

        var visitor = app.NewClient();
        var (_, signInPage) = await visitor.GetPageAsync("/account/sign-in");
        Assert.Null(signInPage.QuerySelector("#passkey-form"));
        var refused = await PostOptionsAsync(visitor, signInPage, "/account/sign-in?handler=PasskeyOptions");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(SignInWithPasskey.PasswordlessOff, refused.Answer.GetProperty("message").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync("/api/v1/two-factor/policy", new { graceDays = 0, passwordlessSignIn = true })).StatusCode);
        Assert.True((await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/two-factor/policy")).GetProperty("passwordlessSignIn").GetBoolean());

        var (page, options) = await StartAsync(visitor, "/account/sign-in", "#passkey-form", []);
        Assert.Equal("/", (await visitor.SubmitAsync(page, new() { ["credential"] = key.Assert(options) }, "#passkey-form")).Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("/contacts")).StatusCode);
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == "sign-in").Select(a => a.Summary).ToListAsync()),
            s => s.Contains("without a password", StringComparison.Ordinal) && s.Contains("sales@crm.test", StringComparison.Ordinal));

        // A locked-out account stays locked out, passkey or not (Identity compares the lockout's end with the real clock, not the test's).
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sales.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.LockoutEnd, app.Clock.GetUtcNow().AddYears(1))));
        var locked = app.NewClient();
        (page, options) = await StartAsync(locked, "/account/sign-in", "#passkey-form", []);
        Assert.Contains(SignInUser.FailureMessage, await ErrorsAsync(await locked.SubmitAsync(page, new() { ["credential"] = key.Assert(options) }, "#passkey-form")));
        Assert.Equal(HttpStatusCode.Redirect, (await locked.Http.GetAsync("/contacts")).StatusCode);

        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sales.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false).SetProperty(x => x.LockoutEnd, (DateTimeOffset?)null)));
        var later = app.NewClient();
        (page, options) = await StartAsync(later, "/account/sign-in", "#passkey-form", []);
        var errors = await ErrorsAsync(await later.SubmitAsync(page, new() { ["credential"] = key.Assert(options) }, "#passkey-form"));
        Assert.Contains(errors, e => e.Contains("deactivated", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await later.Http.GetAsync("/contacts")).StatusCode);
    }

    [Fact]
    public async Task Passkeys_are_renamed_and_removed_by_their_owner_and_an_administrator_s_reset_removes_them()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var sales = await app.CreateUserAsync("sales@crm.test", Password, name: "Sam Sales");
        var sam = await app.SignInAsync("sales@crm.test", Password);
        using var phone = new SoftwarePasskey();
        using var laptop = new SoftwarePasskey();
        await AddAsync(sam, phone, "Phone", null);
        await AddAsync(sam, laptop, "Laptop", null);
        var ids = await app.InDatabaseAsync(db => db.Set<Passkey>().OrderBy(p => p.Name).Select(p => p.Id).ToListAsync());

        var (_, list) = await admin.GetPageAsync("/admin/two-factor");
        Assert.Contains("2 passkeys", list.QuerySelector($"tr[data-user-id='{sales.Id}'] .passkey-count")!.TextContent, StringComparison.Ordinal);

        // Someone else's passkey is not found; the owner renames theirs.
        var foreign = await PostFormAsync(admin, $"/account/security?handler=PasskeyRename&id={ids[0]}", new() { [AddPasskey.NameField] = "Mine" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        var renamed = await sam.SubmitAsync("/account/security", new() { [AddPasskey.NameField] = "Work laptop" }, $"tr[data-passkey-id='{ids[0]}'] form.passkey-rename-form");
        Assert.Equal(SecondFactorPolicy.SecurityPath + "?done=passkey-renamed", renamed.Headers.Location?.OriginalString);
        Assert.Equal("Work laptop", await app.InDatabaseAsync(db => db.Set<Passkey>().Where(p => p.Id == ids[0]).Select(p => p.Name).SingleAsync()));

        var removed = await sam.SubmitAsync("/account/security", [], $"tr[data-passkey-id='{ids[1]}'] form.passkey-remove-form");
        Assert.Equal(SecondFactorPolicy.SecurityPath + "?done=passkey-removed", removed.Headers.Location?.OriginalString);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Set<Passkey>().CountAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == TwoFactorActivity.PasskeyRemoved)));

        // The reset takes the last one too: two-factor sign-in is off and Sam is signed out.
        var reset = await admin.SubmitAsync("/admin/two-factor", new() { ["Input.Password"] = CrmApp.AdminPassword }, $"tr[data-user-id='{sales.Id}'] form.reset-form");
        Assert.Equal("/admin/two-factor?done=reset", reset.Headers.Location?.OriginalString);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<Passkey>().CountAsync()));
        Assert.False(await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == sales.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await sam.Http.GetAsync("/contacts")).StatusCode);
    }

    /// <summary>Adds a passkey through /account/security; <paramref name="password"/> when the session is no longer fresh.</summary>
    private static async Task<HttpResponseMessage> AddAsync(PageClient client, SoftwarePasskey key, string name, string? password)
    {
        var values = new Dictionary<string, string> { [AddPasskey.NameField] = name };
        if (password is not null)
        {
            values[FreshSignIn.PasswordField] = password;
        }

        var (page, options) = await StartAsync(client, "/account/security", "#passkey-add-form", values);
        return await client.SubmitAsync(page, new() { ["credential"] = key.Register(options) }, "#passkey-add-form");
    }

    private static async Task<HttpResponseMessage> SecondStepAsync(PageClient client, SoftwarePasskey key, uint step = 1)
    {
        var (page, options) = await StartAsync(client, PendingSecondStep.Path, "#passkey-form", []);
        return await client.SubmitAsync(page, new() { ["credential"] = key.Assert(options, step) }, "#passkey-form");
    }

    private static async Task<IReadOnlyList<string>> AnswerSecondStepAsync(PageClient client, SoftwarePasskey key, uint step) =>
        await ErrorsAsync(await SecondStepAsync(client, key, step));

    /// <summary>Opens <paramref name="path"/> and asks for the options of its passkey form, as passkeys.js does; they must be given.</summary>
    private static async Task<(IDocument Page, string Options)> StartAsync(PageClient client, string path, string form, Dictionary<string, string> values)
    {
        var (_, page) = await client.GetPageAsync(path);
        var (status, answer) = await PostOptionsAsync(client, page, page.QuerySelector(form)!.GetAttribute("data-passkey-options")!, values, form);
        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        return (page, answer.GetRawText());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Answer)> OptionsAsync(PageClient client, string path, string form, Dictionary<string, string> values)
    {
        var (_, page) = await client.GetPageAsync(path);
        return await PostOptionsAsync(client, page, page.QuerySelector(form)!.GetAttribute("data-passkey-options")!, values, form);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Answer)> PostOptionsAsync(
        PageClient client, IDocument page, string url, Dictionary<string, string>? values = null, string? form = null)
    {
        var fields = (form is null ? page.QuerySelectorAll("form[method=post]")[0] : page.QuerySelector(form)!)
            .QuerySelectorAll<IHtmlInputElement>("input[name]").ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (name, value) in values ?? [])
        {
            fields[name] = value;
        }

        var response = await PostFormAsync(client, url, fields);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<HttpResponseMessage> PostFormAsync(PageClient client, string url, Dictionary<string, string> fields)
    {
        if (!fields.ContainsKey("__RequestVerificationToken"))
        {
            var (_, page) = await client.GetPageAsync("/account/security");
            fields["__RequestVerificationToken"] = page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        }

        using var content = new FormUrlEncodedContent(fields);
        return await client.Http.PostAsync(url, content);
    }

    private static async Task<IReadOnlyList<string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await PageClient.ParseAsync(await response.Content.ReadAsStringAsync())).ValidationMessages();
    }

    /// <summary>A browser that gave the right password and now stands at the second step.</summary>
    private static async Task<PageClient> PasswordAsync(CrmApp app, string email, string password)
    {
        var client = app.NewClient();
        var response = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.StartsWith(PendingSecondStep.Path, response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        return client;
    }
}
