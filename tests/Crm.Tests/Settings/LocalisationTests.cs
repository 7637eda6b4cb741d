using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Settings;

public sealed class LocalisationTests
{
    [Fact]
    public async Task A_person_choosing_German_and_Berlin_sees_German_navigation_and_times_in_Berlin()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("anna@crm.test", "a good long passphrase", name: "Anna Weber");
        var anna = await app.SignInAsync("anna@crm.test", "a good long passphrase"); // at 09:00 UTC by the test clock

        var (_, before) = await anna.GetPageAsync("/account");
        Assert.Equal("en", before.DocumentElement.GetAttribute("lang"));
        Assert.Equal("2026-11-22 09:00", before.QuerySelector(".last-sign-in")!.TextContent.Trim());

        var saved = await anna.SubmitAsync(before, new() { ["Preferences.Language"] = "de", ["Preferences.TimeZone"] = "Europe/Berlin" }, "#preferences");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var (_, after) = await anna.GetPageAsync("/account");
        Assert.Equal("de", after.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Ihr Konto", after.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains(after.QuerySelectorAll(".dropdown-menu a"), a => a.TextContent.Trim() == "Passwort ändern");
        Assert.Contains(after.QuerySelectorAll(".dropdown-menu button"), b => b.TextContent.Trim() == "Abmelden");
        Assert.Equal("2026-11-22 10:00", after.QuerySelector(".last-sign-in")!.TextContent.Trim());
        Assert.Contains("Zeiten in Europe/Berlin", after.QuerySelector(".time-zone-note")!.TextContent, StringComparison.Ordinal);
        var (_, home) = await anna.GetPageAsync("/");
        Assert.Equal("Willkommen, Anna Weber", home.QuerySelector("h1")!.TextContent.Trim());

        // Someone else keeps the organisation's default (English, UTC).
        var admin = await app.SignInAsAdminAsync();
        var (_, adminPage) = await admin.GetPageAsync("/account");
        Assert.Equal("Your account", adminPage.QuerySelector("h1")!.TextContent.Trim());

        // A bad time zone is refused on the account page, nothing changes.
        var refused = await anna.SubmitAsync("/account", new() { ["Preferences.TimeZone"] = "Mars/Olympus_Mons" }, "#preferences");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("Europe/Berlin", await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "anna@crm.test").Select(u => u.TimeZone).SingleAsync()));
    }

    [Fact]
    public async Task The_organisations_date_format_time_zone_and_language_change_what_everyone_sees()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var saved = await admin.Http.PutAsJsonAsync("/api/v1/settings/localisation", new
        {
            defaultLanguage = "de", timeZone = "America/New_York", dateFormat = "DD/MM/YYYY", thousandsSeparator = ".", decimalSeparator = ",",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var (_, account) = await admin.GetPageAsync("/account");
        Assert.Equal("22/11/2026 04:00", account.QuerySelector(".last-sign-in")!.TextContent.Trim());
        Assert.Equal("Ihr Konto", account.QuerySelector("h1")!.TextContent.Trim());

        // MM/DD/YYYY through the page.
        var page = await admin.SubmitAsync("/admin/settings/localisation", new()
        {
            ["Input.DefaultLanguage"] = "en", ["Input.TimeZone"] = "America/New_York", ["Input.DateFormat"] = "MM/DD/YYYY",
            ["Input.ThousandsSeparator"] = ",", ["Input.DecimalSeparator"] = ".",
        });
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        (_, account) = await admin.GetPageAsync("/account");
        Assert.Equal("11/22/2026 04:00", account.QuerySelector(".last-sign-in")!.TextContent.Trim());
        Assert.Equal("Your account", account.QuerySelector("h1")!.TextContent.Trim());

        // The sign-in page speaks the default language too.
        await admin.Http.PutAsJsonAsync("/api/v1/settings/localisation", new
        {
            defaultLanguage = "de", timeZone = "Europe/Berlin", dateFormat = "YYYY-MM-DD", thousandsSeparator = " ", decimalSeparator = ",",
        });
        var (_, signIn) = await app.NewClient().GetPageAsync("/account/sign-in");
        Assert.Equal("Anmelden", signIn.QuerySelector("h1")!.TextContent.Trim());

        var entries = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.SettingsChanged).OrderBy(a => a.Id).Select(a => a.Summary).ToListAsync());
        Assert.Equal(3, entries.Count);
        Assert.Contains("date format 'YYYY-MM-DD' → 'DD/MM/YYYY'", entries[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_localisation_values_are_refused_per_field_and_staff_cannot_change_them()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var bad = await admin.Http.PutAsJsonAsync("/api/v1/settings/localisation", new
        {
            defaultLanguage = "tlh", timeZone = "W. Europe Standard Time", dateFormat = "YY.M.D", thousandsSeparator = ",", decimalSeparator = ",",
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal(["dateFormat", "decimalSeparator", "defaultLanguage", "timeZone"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("must differ", errors.GetProperty("decimalSeparator")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await app.InDatabaseAsync(db => db.InstanceSettings.ToListAsync()));

        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/settings/localisation")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/settings/localisation")).StatusCode);
    }
}
