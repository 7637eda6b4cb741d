using Crm.Web.Features.Health;

namespace Crm.Web.Features.Users;

/// <summary>
/// The licence's seats in use (<see cref="Seats"/>), as a percentage of the seats licensed: all seats
/// taken means the next activation is refused, more than all (the licence lowered under the active
/// users) is critical.
/// </summary>
public sealed class SeatsHealth(Seats seats) : IHealthIndicator
{
    public const string Key = "seats-used";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Licence seats used",
        "Active users holding a seat, as a share of the seats licensed (Licensing:IncludedSeats + Licensing:ExtraSeats). When all are used no one more can be activated: deactivate idle accounts or add seats. Always good where the licence sets no limit (Licensing:Unlimited).",
        "/admin/seats", "%", HealthDirection.HigherIsWorse, 90, 100, 0, 1000) { Order = 100 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var used = await seats.UsedAsync(cancellationToken);
        if (seats.Limit is not { } limit)
        {
            return new HealthFigure(null, $"{used} active users; the licence sets no seat limit (Licensing:Unlimited)");
        }

        if (limit <= 0)
        {
            // A licence of no seats at all: nobody can be activated, the worst there is.
            return new HealthFigure(null, $"The licence holds no seats ({used} active users)") { AtLeast = HealthState.Critical };
        }

        var percent = Math.Round(100.0 * used / limit, 1);
        var free = limit - used;
        var summary = free switch
        {
            > 0 => $"{used} of {limit} seats used ({free} free)",
            0 => $"All {limit} seats used: no one more can be activated",
            _ => $"{used} active users for {limit} seats: {-free} more than the licence",
        };
        return new HealthFigure(percent, summary);
    }
}
