using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

/// <summary>
/// Deals with an unmatched value: adds it as an alternative name of the country the administrator
/// names (by name, alternative name or code, as matching reads it), or dismisses it as noise.
/// </summary>
public sealed class ResolveCountryMismatch(CrmDb db, CountryMatcher matcher, SaveCountryNames save, ActivityLog activity, TimeProvider clock)
{
    public async Task<Result<CountryView>> AddAsAlternativeNameAsync(Actor actor, int mismatchId, string? country, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<CountryView>.Forbidden(CountryMessages.AdministratorsOnly);
        }

        var mismatch = await db.CountryMismatches.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mismatchId, cancellationToken);
        if (mismatch is null)
        {
            return Result<CountryView>.NotFound();
        }

        if (string.IsNullOrWhiteSpace(country))
        {
            return Result<CountryView>.Invalid("country", $"Choose the country '{mismatch.RawValue}' means.");
        }

        var target = country.Length <= CountryMismatch.ValueMaxLength ? await matcher.FindAsync(country, cancellationToken) : null;
        if (target is null)
        {
            return Result<CountryView>.Invalid("country", "No country has that name or code. Choose one from the list.");
        }

        // Added as first seen (a cut value ends with '…', which normalizing ignores).
        var alternatives = target.AlternativeNameList.Append(mismatch.RawValue.TrimEnd('…')).Select(a => (string?)a).ToList();
        return await save.RunAsync(actor, target.Id, null, alternatives, cancellationToken);
    }

    public async Task<Result> DismissAsync(Actor actor, int mismatchId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result.Forbidden(CountryMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(CountryMessages.NotInPreview);
        }

        var mismatch = await db.CountryMismatches.FirstOrDefaultAsync(m => m.Id == mismatchId, cancellationToken);
        if (mismatch is null)
        {
            return Result.NotFound();
        }

        if (mismatch.ResolvedAt is null)
        {
            mismatch.ResolvedAt = clock.GetUtcNow().UtcDateTime;
            activity.Record(actor, CountryMessages.ActivityKind, $"Dismissed the unmatched country value '{mismatch.RawValue}' (seen {mismatch.Occurrences} times).");
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result.Ok();
    }
}
