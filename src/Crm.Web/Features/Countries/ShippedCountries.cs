using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

/// <summary>
/// The ISO 3166-1 list that ships with the product (<c>Data/Shipped/iso3166-1.tsv</c>, see its
/// NOTICE), with a first set of alternative names. Seeded once, into an empty table: after that
/// the countries belong to the administrators, and an upgrade never overwrites their edits.
/// </summary>
public static class ShippedCountries
{
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Data", "Shipped", "iso3166-1.tsv");

    /// <summary>Reads the shipped file: tab-separated alpha-2, alpha-3, numeric, name, alternative names; '#' starts a comment line.</summary>
    public static IReadOnlyList<Country> Load()
    {
        var countries = new List<Country>(250);
        foreach (var line in File.ReadLines(FilePath))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 4)
            {
                throw new InvalidDataException($"The shipped country list has a malformed line: '{line}'.");
            }

            countries.Add(new Country
            {
                Alpha2 = fields[0],
                Alpha3 = fields[1],
                Numeric = fields[2],
                Name = fields[3],
                AlternativeNames = CountryNames.Join(CountryNames.Split(fields.Length > 4 ? fields[4] : "")),
            });
        }

        return countries;
    }

    public static async Task EnsureAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (await db.Countries.AnyAsync(cancellationToken))
        {
            return;
        }

        db.Countries.AddRange(Load().OrderBy(c => c.Name, StringComparer.Ordinal));
        await db.SaveChangesAsync(cancellationToken);
    }
}
