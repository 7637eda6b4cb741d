using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Countries;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Countries;

/// <summary>Editing names and alternative names: uniqueness across countries, who may, and hostile input.</summary>
public sealed class CountryAdministrationTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task An_administrator_renames_a_country_to_its_local_name_and_keeps_the_English_one_as_an_alternative()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var germany = await app.CountryIdAsync("DE");

        var (_, edit) = await admin.GetPageAsync($"/admin/countries/{germany}");
        Assert.Equal("Germany", edit.QuerySelector("input[name='Input.Name']")!.GetAttribute("value"));
        var saved = await admin.SubmitAsync(edit, new() { ["Input.Name"] = "Deutschland", ["Input.AlternativeNames"] = "Germany,  Allemagne , germany, BRD" });
        Assert.Equal($"/admin/countries?saved={germany}", saved.Headers.Location!.OriginalString);

        var country = await app.InDatabaseAsync(db => db.Countries.SingleAsync(c => c.Id == germany));
        Assert.Equal(("Deutschland", "Germany, Allemagne, BRD"), (country.Name, country.AlternativeNames));
        Assert.Equal("DE", (await app.MatchAsync("allemagne"))?.Alpha2);
        Assert.Equal("DE", (await app.MatchAsync("GERMANY"))?.Alpha2);
        Assert.Contains("Changed country DE 'Germany'", await app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == "country-changed").Select(e => e.Summary).SingleAsync()), StringComparison.Ordinal);

        var (_, list) = await admin.GetPageAsync("/admin/countries?search=allemagne");
        Assert.Equal(["Deutschland"], list.QuerySelectorAll("main table tbody th").Select(th => th.TextContent.Trim()));
    }

    [Fact]
    public async Task A_name_already_used_by_another_country_is_refused_with_a_message_naming_that_country()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var france = await app.CountryIdAsync("FR");
        var shipped = await AlternativeNamesAsync(app, france);

        var taken = await admin.PutAlternativeNamesAsync(france, "La France", "usa");
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Equal(["'usa' is already an alternative name of United States. A name can belong to one country only: remove it there first if it belongs here."],
            await taken.FieldErrorsAsync("alternativeNames"));

        var code = await admin.PutAlternativeNamesAsync(france, "DEU");
        Assert.Contains(await code.FieldErrorsAsync("alternativeNames"), m => m.Contains("the ISO code of Germany", StringComparison.Ordinal));

        var (_, edit) = await admin.GetPageAsync($"/admin/countries/{france}");
        var renamed = await admin.SubmitAsync(edit, new() { ["Input.Name"] = "GERMANY", ["Input.AlternativeNames"] = "" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var page = await PageClient.ParseAsync(await renamed.Content.ReadAsStringAsync());
        Assert.Equal("'GERMANY' is already the name of Germany. A name can belong to one country only.", page.FieldError("Input.Name"));

        Assert.Equal(shipped, await AlternativeNamesAsync(app, france));
        Assert.Equal("France", await app.InDatabaseAsync(db => db.Countries.Where(c => c.Id == france).Select(c => c.Name).SingleAsync()));

        var ok = await admin.PutAlternativeNamesAsync(france, "La France", "République française");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["La France", "République française"], (await ok.ReadJsonAsync()).GetProperty("alternativeNames").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAlternativeNamesAsync(99999, "Nowhere")).StatusCode);
    }

    [Fact]
    public async Task Staff_may_read_and_match_countries_but_not_open_the_administration_or_change_names()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("staff@crm.test", Password);
        var staff = await app.SignInAsync("staff@crm.test", Password);
        var germany = await app.CountryIdAsync("DE");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/countries")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/admin/countries/{germany}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutAlternativeNamesAsync(germany, "Alemania")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/countries/mismatches")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/api/v1/countries")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync($"/api/v1/countries/{germany}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/api/v1/countries/match?value=de")).StatusCode);
        Assert.DoesNotContain("Alemania", await AlternativeNamesAsync(app, germany), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_values_get_a_clear_answer_and_never_a_server_error()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var germany = await app.CountryIdAsync("DE");
        var shipped = await AlternativeNamesAsync(app, germany);
        var huge = new string('x', 10_000);
        const string script = "<script>alert(1)</script>";
        const string control = "Ger\u0000many\u0007\r\n";

        // The matcher never throws and keeps a bounded, one-line record.
        Assert.Null(await app.MatchAsync(huge));
        Assert.Null(await app.MatchAsync(script));
        Assert.Null(await app.MatchAsync(control + "land"));
        Assert.Null(await app.MatchAsync("\uD800broken surrogate"));
        var raws = await app.InDatabaseAsync(db => db.CountryMismatches.Select(m => m.RawValue).ToListAsync());
        Assert.All(raws, r => Assert.True(r.Length <= CountryMismatch.ValueMaxLength && !r.Any(char.IsControl), r));
        Assert.Contains(script, raws);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/countries/match?value=" + huge)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/countries?search=" + huge)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/api/v1/countries/match?value=" + Uri.EscapeDataString(script))).StatusCode);

        var tagged = await admin.PutAlternativeNamesAsync(germany, script);
        Assert.Equal(["Alternative names cannot contain HTML tags."], await tagged.FieldErrorsAsync("alternativeNames"));
        var controlled = await admin.PutAlternativeNamesAsync(germany, control.Replace("\u0000", "", StringComparison.Ordinal));
        Assert.Equal(["Alternative names must be one line of text."], await controlled.FieldErrorsAsync("alternativeNames"));
        // A NUL is refused for every API text before any use case reads it (UseNulTextRefusal).
        var nul = await admin.PutAlternativeNamesAsync(germany, control);
        Assert.Equal(["Text cannot contain a NUL character."], await nul.FieldErrorsAsync("alternativeNames"));
        var long1 = await admin.PutAlternativeNamesAsync(germany, huge);
        Assert.Equal(HttpStatusCode.BadRequest, long1.StatusCode);
        Assert.Contains(await long1.FieldErrorsAsync("alternativeNames"), m => m.Contains("at most 100 characters", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PutAsync($"/api/v1/countries/{germany}/alternative-names", ApiJson.Body("""{"alternativeNames":"not a list"}"""))).StatusCode);

        var (_, edit) = await admin.GetPageAsync($"/admin/countries/{germany}");
        var page = await admin.SubmitAsync(edit, new() { ["Input.Name"] = script, ["Input.AlternativeNames"] = huge });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var shown = await PageClient.ParseAsync(await page.Content.ReadAsStringAsync());
        Assert.Equal("Name cannot contain HTML tags.", shown.FieldError("Input.Name"));

        var (searched, searchPage) = await admin.GetPageAsync("/admin/countries?search=" + huge);
        Assert.Equal(HttpStatusCode.OK, searched.StatusCode);
        Assert.Equal("Search text must be at most 200 characters.", searchPage.FieldError("Search"));

        // The admin list shows the hostile values as text.
        var (listResponse, list) = await admin.GetPageAsync("/admin/countries");
        Assert.Equal(HttpStatusCode.OK, listResponse.StatusCode);
        Assert.Empty(list.QuerySelectorAll("main script"));
        Assert.Contains(list.QuerySelectorAll("section tbody th"), th => th.TextContent.Contains(script, StringComparison.Ordinal));
        Assert.Equal(shipped, await AlternativeNamesAsync(app, germany));
    }

    private static Task<string> AlternativeNamesAsync(CrmApp app, int countryId) =>
        app.InDatabaseAsync(db => db.Countries.Where(c => c.Id == countryId).Select(c => c.AlternativeNames).SingleAsync());
}
