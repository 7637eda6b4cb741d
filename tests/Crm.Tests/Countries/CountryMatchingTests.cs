using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Countries;

/// <summary>The matcher as companies, contacts and imports will call it, and its read-only API twin.</summary>
public sealed class CountryMatchingTests
{
    [Fact]
    public async Task Names_alternative_names_and_codes_match_ignoring_case_accents_and_punctuation()
    {
        await using var app = new CrmApp();
        _ = app.Server;

        string[] ivoryCoast = ["Côte d'Ivoire", "côte d'ivoire", "COTE D IVOIRE", "cote d’ivoire", "  Cote   d'Ivoire ", "CI", "ci", "CIV", "384", "Ivory Coast"];
        foreach (var value in ivoryCoast)
        {
            Assert.True((await app.MatchAsync(value))?.Alpha2 == "CI", $"'{value}' should be Côte d'Ivoire");
        }

        string[] unitedStates = ["United States", "USA", "U.S.A.", "usa", "US", "U.S.", "United States of America", "united states of america", "America", "840"];
        foreach (var value in unitedStates)
        {
            Assert.True((await app.MatchAsync(value))?.Alpha2 == "US", $"'{value}' should be the United States");
        }

        Assert.Equal("DE", (await app.MatchAsync("Deutschland"))?.Alpha2);
        Assert.Equal("DE", (await app.MatchAsync("DEU"))?.Alpha2);
        Assert.Equal("GB", (await app.MatchAsync("Great Britain"))?.Alpha2);
        Assert.Equal("GB", (await app.MatchAsync("uk"))?.Alpha2);
        Assert.Equal("RU", (await app.MatchAsync("Russian Federation"))?.Alpha2);
        Assert.Equal("MK", (await app.MatchAsync("Republic of Macedonia"))?.Alpha2);
        Assert.Equal("CZ", (await app.MatchAsync("Czech Republic"))?.Alpha2);
        Assert.Equal("KR", (await app.MatchAsync("South Korea"))?.Alpha2);
        Assert.Equal("KR", (await app.MatchAsync("Korea, Republic of"))?.Alpha2);
        Assert.Equal("AF", (await app.MatchAsync("4"))?.Alpha2);
        Assert.Equal("BA", (await app.MatchAsync("Bosnia & Herzegovina"))?.Alpha2);
        Assert.Equal("AX", (await app.MatchAsync("aland islands"))?.Alpha2);

        // Nothing given is not a mismatch.
        Assert.Null(await app.MatchAsync(null));
        Assert.Null(await app.MatchAsync("   "));
        Assert.Null(await app.MatchAsync("..."));
        Assert.False(await app.InDatabaseAsync(db => db.CountryMismatches.AnyAsync()));
    }

    [Fact]
    public async Task The_match_endpoint_answers_any_signed_in_user_and_explains_a_miss_without_recording_it()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        var found = await staff.Http.GetAsync("/api/v1/countries/match?value=U.S.A.");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var country = await found.ReadJsonAsync();
        Assert.Equal("United States", country.GetProperty("name").GetString());
        Assert.Equal("USA", country.GetProperty("alpha3").GetString());
        Assert.Contains("United States of America", country.GetProperty("alternativeNames").EnumerateArray().Select(a => a.GetString()));

        var missed = await staff.Http.GetAsync("/api/v1/countries/match?value=Atlantis");
        Assert.Equal(HttpStatusCode.NotFound, missed.StatusCode);
        var problem = await missed.ReadJsonAsync();
        Assert.Equal("'Atlantis' did not match any country. Add it as an alternative name of the right country (Administration › Countries) so it is recognised next time.",
            problem.GetProperty("detail").GetString());
        Assert.False(await app.InDatabaseAsync(db => db.CountryMismatches.AnyAsync()));

        Assert.Equal(HttpStatusCode.BadRequest, (await staff.Http.GetAsync("/api/v1/countries/match")).StatusCode);

        var list = await (await staff.Http.GetAsync("/api/v1/countries?search=ivoire")).ReadJsonAsync();
        Assert.Equal(["CI"], list.EnumerateArray().Select(c => c.GetProperty("alpha2").GetString()));
        var all = await (await staff.Http.GetAsync("/api/v1/countries")).ReadJsonAsync();
        Assert.True(all.GetArrayLength() >= 249);
    }
}
