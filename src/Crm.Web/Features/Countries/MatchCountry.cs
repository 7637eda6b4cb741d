using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Countries;

/// <summary>
/// Answers "which country is this value?" without recording anything: a question is not incoming
/// data, and a GET must not notify administrators. Writes (companies, contacts, imports) call
/// <see cref="CountryMatcher.MatchAsync"/>, which records what it cannot match.
/// </summary>
public sealed class MatchCountry(CountryMatcher matcher)
{
    public async Task<Result<CountryView>> RunAsync(Actor actor, string? value, CancellationToken cancellationToken)
    {
        _ = actor;
        if (string.IsNullOrWhiteSpace(value))
        {
            return Result<CountryView>.Invalid("value", "Give a country name, alternative name or ISO code, such as Germany, DE or DEU.");
        }

        if (value.Length > CountryMismatch.ValueMaxLength)
        {
            return Result<CountryView>.Invalid("value", $"A country value must be at most {CountryMismatch.ValueMaxLength} characters.");
        }

        var country = await matcher.FindAsync(value, cancellationToken);
        return country is null ? Result<CountryView>.NotFound() : Result<CountryView>.Ok(CountryView.Of(country));
    }
}
