using Crm.Tests.Infrastructure;
using Crm.Web.Features.Countries;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Countries;

public sealed class ShippedCountryListTests
{
    [Fact]
    public void The_shipped_list_holds_every_ISO_3166_1_country_with_unique_codes_and_names()
    {
        var countries = ShippedCountries.Load();

        Assert.True(countries.Count >= 249, $"only {countries.Count} countries");
        Assert.All(countries, c =>
        {
            Assert.Matches("^[A-Z]{2}$", c.Alpha2);
            Assert.Matches("^[A-Z]{3}$", c.Alpha3);
            Assert.Matches("^[0-9]{3}$", c.Numeric);
            Assert.InRange(c.Name.Length, 1, Country.NameMaxLength);
        });
        Assert.Equal(countries.Count, countries.Select(c => c.Alpha2).Distinct().Count());
        Assert.Equal(countries.Count, countries.Select(c => c.Alpha3).Distinct().Count());
        Assert.Equal(countries.Count, countries.Select(c => c.Numeric).Distinct().Count());

        // No name or alternative name may point at two countries, or matching would be a guess.
        var owners = countries
            .SelectMany(c => c.AlternativeNameList.Append(c.Name).Select(n => (Key: CountryNames.Normalize(n), c.Alpha2)))
            .GroupBy(n => n.Key).Where(g => g.Select(n => n.Alpha2).Distinct().Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(owners);

        var us = countries.Single(c => c.Alpha2 == "US");
        Assert.Equal(("USA", "840", "United States"), (us.Alpha3, us.Numeric, us.Name));
        Assert.Contains("United States of America", us.AlternativeNameList);
        Assert.Contains("Deutschland", countries.Single(c => c.Alpha2 == "DE").AlternativeNameList);
    }

    [Fact]
    public async Task A_new_database_is_seeded_once_and_an_administrators_edits_survive_a_restart()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(ShippedCountries.Load().Count, await app.InDatabaseAsync(db => db.Countries.CountAsync()));

        var germany = await app.CountryIdAsync("DE");
        Assert.True((await admin.PutAlternativeNamesAsync(germany, "Allemagne")).IsSuccessStatusCode);
        await using (var restarted = new CrmApp().With("ConnectionStrings:Crm", app.Database.ConnectionString))
        {
            _ = restarted.Server;
            Assert.Equal("Allemagne", await restarted.InDatabaseAsync(db => db.Countries.Where(c => c.Id == germany).Select(c => c.AlternativeNames).SingleAsync()));
            Assert.Equal(ShippedCountries.Load().Count, await restarted.InDatabaseAsync(db => db.Countries.CountAsync()));
        }
    }
}
