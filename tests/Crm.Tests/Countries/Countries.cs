using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Countries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Countries;

/// <summary>Shortcuts the country tests share: the matcher as a company or import would call it, and ids by ISO code.</summary>
internal static class Countries
{
    /// <summary>One call of the matcher in a scope of its own, like one request of a feature that takes a country.</summary>
    public static async Task<Country?> MatchAsync(this CrmApp app, string? raw, string source = CountrySources.User)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CountryMatcher>().MatchAsync(raw, source, CancellationToken.None);
    }

    public static Task<int> CountryIdAsync(this CrmApp app, string alpha2) =>
        app.InDatabaseAsync(db => db.Countries.Where(c => c.Alpha2 == alpha2).Select(c => c.Id).SingleAsync());

    public static Task<HttpResponseMessage> PutAlternativeNamesAsync(this PageClient client, int countryId, params string[] names) =>
        client.Http.PutAsJsonAsync($"/api/v1/countries/{countryId}/alternative-names", new { alternativeNames = names });
}
