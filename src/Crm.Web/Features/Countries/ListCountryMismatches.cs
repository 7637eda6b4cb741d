using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

public sealed record CountryMismatchView(int Id, string RawValue, string Source, DateTime FirstSeenAt, DateTime LastSeenAt, int Occurrences);

/// <summary>The unmatched country values still waiting for an administrator, the most frequent first.</summary>
public sealed class ListCountryMismatches(CrmDb db)
{
    /// <summary>A page shows this many; the rest follow once these are dealt with.</summary>
    public const int Limit = 200;

    public async Task<Result<IReadOnlyList<CountryMismatchView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<CountryMismatchView>>.Forbidden(CountryMessages.AdministratorsOnly);
        }

        var open = await db.CountryMismatches.AsNoTracking()
            .Where(m => m.ResolvedAt == null)
            .OrderByDescending(m => m.Occurrences).ThenByDescending(m => m.LastSeenAt).ThenBy(m => m.Id)
            .Take(Limit)
            .Select(m => new CountryMismatchView(m.Id, m.RawValue, m.Source, m.FirstSeenAt, m.LastSeenAt, m.Occurrences))
            .ToListAsync(cancellationToken);
        return Result<IReadOnlyList<CountryMismatchView>>.Ok(open);
    }
}
