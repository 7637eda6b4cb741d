using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

/// <summary>One country; any signed-in user may read it.</summary>
public sealed class ReadCountry(CrmDb db)
{
    public async Task<Result<CountryView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        _ = actor;
        var country = await db.Countries.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return country is null ? Result<CountryView>.NotFound() : Result<CountryView>.Ok(CountryView.Of(country));
    }
}
