using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Countries;

/// <summary>
/// <c>/api/v1/countries</c>: reading and matching for every signed-in caller (every form with a
/// country field needs them), changing alternative names for administrators only.
/// </summary>
public static class CountriesApi
{
    public static RouteGroupBuilder MapCountriesApi(this RouteGroupBuilder api)
    {
        var countries = api.MapGroup("/countries").WithTags("Countries");

        countries.MapGet("", async (string? search, HttpContext http, ListCountries list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), search, cancellationToken)).ToHttp())
            .WithName("ListCountries")
            .WithSummary("Every country by name, or those whose name, alternative name or ISO code contains `search` (case and accents ignored).");

        countries.MapGet("/{id:int}", async (int id, HttpContext http, ReadCountry read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("GetCountry")
            .WithSummary("One country.");

        countries.MapGet("/match", async (string? value, HttpContext http, MatchCountry match, CancellationToken cancellationToken) =>
            {
                var result = await match.RunAsync(http.Actor(), value, cancellationToken);
                // The plain 404 would not say what to do about it; this one does.
                return result.Outcome == Outcome.NotFound
                    ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No country matches this value.",
                        detail: CountryMatcher.Explanation(CountryMatcher.Displayable(value!)))
                    : result.ToHttp();
            })
            .WithName("MatchCountry")
            .WithSummary("The country a value names (name, alternative name, alpha-2, alpha-3 or numeric code; case, accents and punctuation ignored), or 404 with what to do. Looking up records nothing.");

        countries.MapGet("/mismatches", async (HttpContext http, ListCountryMismatches list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .RequireAuthorization(Policies.Administrator)
            .WithName("ListCountryMismatches")
            .WithSummary("Unresolved values that matched no country, the most frequent first (administrators).");

        countries.MapPut("/{id:int}/alternative-names", async (int id, AlternativeNamesRequest body, HttpContext http, SaveCountryNames save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), id, null, body.AlternativeNames ?? [], cancellationToken)).ToHttp())
            .RequireAuthorization(Policies.Administrator)
            .WithName("SetCountryAlternativeNames")
            .WithSummary("Replaces a country's alternative names; each must not already name or be the code of another country (400 naming it).");

        return api;
    }

    /// <summary>What a caller may set; anything else in the body is ignored.</summary>
    public sealed record AlternativeNamesRequest(IReadOnlyList<string?>? AlternativeNames);
}
