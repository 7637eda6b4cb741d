using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>
/// Seat licensing: <c>Licensing:IncludedSeats</c> + <c>Licensing:ExtraSeats</c> active users at
/// most, or no limit at all with <c>Licensing:Unlimited</c> (an organisation that runs the CRM
/// without a seat licence). Deactivated users and integration users hold no seat.
/// </summary>
public sealed class Seats(CrmDb db, IConfiguration configuration)
{
    public const int DefaultIncludedSeats = 25;

    /// <summary>The seats licensed; null when the licence sets no limit.</summary>
    public int? Limit => configuration.GetValue("Licensing:Unlimited", false)
        ? null
        : configuration.GetValue("Licensing:IncludedSeats", DefaultIncludedSeats) + configuration.GetValue("Licensing:ExtraSeats", 0);

    public Task<int> UsedAsync(CancellationToken cancellationToken) => db.Users.CountAsync(u => u.IsActive && !u.IsIntegration, cancellationToken);

    /// <summary>Whether <paramref name="used"/> active users leave no seat for one more.</summary>
    public bool IsFull(int used) => Limit is { } limit && used >= limit;

    /// <summary>The message when one more active user would exceed the licence.</summary>
    public string ExhaustedMessage(int used) =>
        $"All {Limit} seats of the licence are in use ({used} active users). Deactivate an idle account to free a seat, or add extra seats (Licensing:ExtraSeats).";

    public async Task<bool> HasFreeSeatAsync(CancellationToken cancellationToken) => !IsFull(await UsedAsync(cancellationToken));
}
