using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

/// <summary>
/// Every country by name, or those whose name, alternative name or code contains the search text
/// (compared as matching compares: case, accents and punctuation do not count). Any signed-in
/// user may read the list: it is reference data every form with a country field needs.
/// </summary>
public sealed class ListCountries(CrmDb db)
{
    public async Task<Result<IReadOnlyList<CountryView>>> RunAsync(Actor actor, string? search, CancellationToken cancellationToken)
    {
        _ = actor;
        if (search is { Length: > TextSearch.SearchMaxLength })
        {
            return Result<IReadOnlyList<CountryView>>.Invalid("search", $"Search text must be at most {TextSearch.SearchMaxLength} characters.");
        }

        // About 250 rows: filtering in memory gives the same accent-insensitive comparison on both providers.
        var countries = await db.Countries.AsNoTracking().ToListAsync(cancellationToken);
        var key = CountryNames.Normalize(search);
        var found = countries
            .Where(c => key.Length == 0 || Keys(c).Any(k => k.Contains(key, StringComparison.Ordinal)))
            .OrderBy(c => c.Name, StringComparer.InvariantCultureIgnoreCase)
            .Select(CountryView.Of)
            .ToList();
        return Result<IReadOnlyList<CountryView>>.Ok(found);
    }

    private static IEnumerable<string> Keys(Country country) =>
        new[] { country.Name, country.Alpha2, country.Alpha3, country.Numeric }.Concat(country.AlternativeNameList).Select(CountryNames.Normalize);
}
