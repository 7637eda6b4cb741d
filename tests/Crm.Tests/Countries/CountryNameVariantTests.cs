using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Countries;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Countries;

/// <summary>
/// The short, former and reference-book forms of every country (issue 26) are recognised by the
/// matcher company saves and imports use, written as spreadsheets write them, and an existing
/// installation receives them without losing its administrators' edits or gaining an ambiguity.
/// </summary>
public sealed class CountryNameVariantTests
{
    /// <summary>
    /// The forms a spreadsheet may give for <paramref name="name"/>: as written, with "The" before
    /// it or ", The" after it, and comma-inverted at each " of " ("Congo, Republic of the").
    /// </summary>
    private static IEnumerable<string> Spellings(string name)
    {
        yield return name;
        if (!name.StartsWith("the ", StringComparison.OrdinalIgnoreCase))
        {
            yield return "The " + name;
            yield return name + ", The";
        }

        if (name.Contains(',', StringComparison.Ordinal))
        {
            yield break;
        }

        for (var at = name.IndexOf(" of ", StringComparison.Ordinal); at >= 0; at = name.IndexOf(" of ", at + 1, StringComparison.Ordinal))
        {
            var (head, tail) = (name[..(at + 3)], name[(at + 4)..]);
            if (tail.StartsWith("the ", StringComparison.Ordinal))
            {
                (head, tail) = (head + " the", tail[4..]);
            }

            yield return $"{tail}, {head}";
        }
    }

    [Fact]
    public async Task Every_shipped_name_and_alternative_name_matches_its_country_in_every_spelling_and_no_name_matches_two()
    {
        var shipped = ShippedCountries.Load();

        // No name, alternative name or derived form belongs to two countries, nor is another country's code.
        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var country in shipped)
        {
            foreach (var name in country.AlternativeNameList.Prepend(country.Name))
            {
                foreach (var key in CountryNames.DerivedKeys(name).Prepend(CountryNames.Normalize(name)))
                {
                    (owners.TryGetValue(key, out var set) ? set : owners[key] = []).Add(country.Alpha2);
                }
            }

            foreach (var code in new[] { country.Alpha2, country.Alpha3, country.Numeric })
            {
                (owners.TryGetValue(CountryNames.Normalize(code), out var set) ? set : owners[CountryNames.Normalize(code)] = []).Add(country.Alpha2);
            }
        }

        Assert.Empty(owners.Where(o => o.Value.Count > 1).Select(o => $"'{o.Key}' names {string.Join(" and ", o.Value)}"));

        await using var app = new CrmApp();
        _ = app.Server;
        Assert.Equal(shipped.Count, await app.InDatabaseAsync(db => db.Countries.CountAsync()));

        // The whole table through one matcher, as one import's rows would go through it.
        using var scope = app.Services.CreateScope();
        var matcher = scope.ServiceProvider.GetRequiredService<CountryMatcher>();
        var failures = new List<string>();
        var checkedSpellings = 0;
        foreach (var country in shipped)
        {
            foreach (var name in country.AlternativeNameList.Prepend(country.Name))
            {
                foreach (var spelling in Spellings(name).Concat([name.ToUpperInvariant(), name.ToLowerInvariant()]))
                {
                    checkedSpellings++;
                    var found = await matcher.MatchAsync(spelling, CountrySources.Import, CancellationToken.None);
                    if (found?.Alpha2 != country.Alpha2)
                    {
                        failures.Add($"'{spelling}' → {found?.Alpha2 ?? "nothing"}, not {country.Alpha2}");
                    }
                }
            }
        }

        Assert.Empty(failures);
        Assert.True(checkedSpellings > 4 * shipped.Count, $"only {checkedSpellings} spellings checked");
        Assert.False(await app.InDatabaseAsync(db => db.CountryMismatches.AnyAsync()));

        // The examples of the issue and the brief, each a form the shipped list once missed.
        (string Value, string Alpha2)[] examples =
        [
            ("Brunei", "BN"), ("Congo, Republic of the", "CG"), ("Congo, Democratic Republic of the", "CD"),
            ("Korea, Republic of", "KR"), ("Iran (Islamic Republic of)", "IR"), ("Viet Nam", "VN"), ("Vietnam", "VN"),
            ("Czech Republic", "CZ"), ("Swaziland", "SZ"), ("Burma", "MM"), ("The Bahamas", "BS"), ("Gambia, The", "GM"),
            ("Micronesia, Federated States of", "FM"), ("St. Lucia", "LC"), ("St Lucia", "LC"), ("Saint Lucia", "LC"),
            ("Congo (Kinshasa)", "CD"), ("Congo-Brazzaville", "CG"), ("Congo", "CG"), ("Bolivia (Plurinational State of)", "BO"),
            ("Tanzania, United Republic of", "TZ"), ("Virgin Islands, U.S.", "VI"), ("Hong Kong SAR China", "HK"), ("Côte d’Ivoire", "CI"),
        ];
        foreach (var (value, alpha2) in examples)
        {
            var found = await matcher.FindAsync(value, CancellationToken.None);
            if (found?.Alpha2 != alpha2)
            {
                failures.Add($"'{value}' → {found?.Alpha2 ?? "nothing"}, not {alpha2}");
            }
        }

        Assert.Empty(failures);

        // Through the front door: a company saved with each of the issue's failing values gets its country.
        var admin = await app.SignInAsAdminAsync();
        foreach (var (value, alpha2) in examples.Take(3))
        {
            var company = await (await admin.Http.PostAsJsonAsync("/api/v1/companies", new { name = $"Trading in {value}", countryName = value })).ReadJsonAsync();
            Assert.Equal(await app.CountryIdAsync(alpha2), company.GetProperty("countryId").GetInt32());
            Assert.Equal(value, company.Text("countryName"));
        }

        Assert.False(await app.InDatabaseAsync(db => db.CountryMismatches.AnyAsync()));
    }

    [Fact]
    public async Task The_migration_adds_only_names_no_country_has_and_keeps_what_administrators_wrote()
    {
        using var database = TestDatabase.Empty();
        await using var db = DatabaseSchema.Open(database.ConnectionString);
        var migrations = db.Database.GetMigrations().ToList();
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[migrations.IndexOf("20261209130000_CountryNameVariants") - 1]);

        // An installation seeded before the variants, whose administrators edited some countries:
        // Brunei untouched; "Zaire" given to the Republic of the Congo; Czechia with a German name of
        // its own; "SWAZILAND." already on Eswatini in their spelling; Korea's names in another spelling.
        (string Alpha2, string Alpha3, string Numeric, string Name, string Alternatives)[] rows =
        [
            ("BN", "BRN", "096", "Brunei Darussalam", ""),
            ("CG", "COG", "178", "Congo", "Republic of the Congo, Zaire"),
            ("CD", "COD", "180", "Congo, The Democratic Republic of the", "DR Congo"),
            ("CZ", "CZE", "203", "Česko", "Tschechien"),
            ("SZ", "SWZ", "748", "Eswatini", "SWAZILAND."),
            ("KP", "PRK", "408", "Korea, Democratic People's Republic of", "north-korea, DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"),
        ];
        foreach (var row in rows)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Countries" ("Alpha2", "Alpha3", "Numeric", "Name", "AlternativeNames")
                VALUES ({row.Alpha2}, {row.Alpha3}, {row.Numeric}, {row.Name}, {row.Alternatives})
                """);
        }

        await migrator.MigrateAsync();
        var after = await db.Countries.AsNoTracking().ToDictionaryAsync(c => c.Alpha2, c => c.AlternativeNames);

        Assert.StartsWith("Brunei, ", after["BN"], StringComparison.Ordinal);
        Assert.Equal("Republic of the Congo, Zaire, ", after["CG"][..("Republic of the Congo, Zaire, ".Length)]);
        Assert.Contains("Congo (Republic of the)", after["CG"], StringComparison.Ordinal);
        // Zaire is the Republic of the Congo's here: the migration does not give it to the Democratic Republic too.
        Assert.DoesNotContain("Zaire", after["CD"], StringComparison.Ordinal);
        Assert.Contains("Democratic Republic of the Congo", after["CD"], StringComparison.Ordinal);
        Assert.StartsWith("Tschechien, ", after["CZ"], StringComparison.Ordinal);
        Assert.Contains("Czech", CountryNames.Split(after["CZ"]));
        Assert.Equal("Česko", await db.Countries.Where(c => c.Alpha2 == "CZ").Select(c => c.Name).SingleAsync());
        Assert.StartsWith("SWAZILAND., ", after["SZ"], StringComparison.Ordinal);
        Assert.DoesNotContain(CountryNames.Split(after["SZ"]), n => n == "Swaziland");
        Assert.DoesNotContain(CountryNames.Split(after["KP"]), n => n is "North Korea" or "Democratic People's Republic of Korea");
        Assert.Contains("DPRK", CountryNames.Split(after["KP"]));

        // Every country's names still belong to it alone, and no name was added twice to one country.
        var keys = after.SelectMany(a => CountryNames.Split(a.Value).Select(n => (Key: CountryNames.Normalize(n), a.Key))).ToList();
        Assert.Empty(keys.GroupBy(k => k.Key).Where(g => g.Select(k => k.Item2).Distinct().Count() > 1).Select(g => g.Key));
        Assert.All(after.Where(a => a.Value.Length > 0), a => Assert.Equal(a.Value.Split(',').Length, CountryNames.Split(a.Value).Count));
    }
}
