using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>
/// Seat licensing: <c>Licensing:IncludedSeats</c> + <c>Licensing:ExtraSeats</c> active users at
/// most. Deactivated users and integration users hold no seat.
/// </summary>
public sealed class Seats(CrmDb db, IConfiguration configuration)
{
    public const int DefaultIncludedSeats = 25;

    public int Limit => configuration.GetValue("Licensing:IncludedSeats", DefaultIncludedSeats) + configuration.GetValue("Licensing:ExtraSeats", 0);

    public Task<int> UsedAsync(CancellationToken cancellationToken) => db.Users.CountAsync(u => u.IsActive && !u.IsIntegration, cancellationToken);

    /// <summary>The message when one more active user would exceed the licence.</summary>
    public string ExhaustedMessage(int used) =>
        $"All {Limit} seats of the licence are in use ({used} active users). Deactivate an idle account to free a seat, or add extra seats (Licensing:ExtraSeats).";

    public async Task<bool> HasFreeSeatAsync(CancellationToken cancellationToken) => await UsedAsync(cancellationToken) < Limit;
}
