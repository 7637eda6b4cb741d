using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// The seed's "API error rate": the share of API token requests answered 400 or above, from the
/// tokens' daily figures. Those are per UTC day, so the window is yesterday and today (24 to 48 hours).
/// </summary>
public sealed class ApiErrorRateHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "api-error-rate";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "API error rate",
        "The share of API token requests answered with an error (400 and above) since yesterday 00:00 UTC. Above 5 % an integration is misbehaving: the token list shows each token's requests and errors.",
        "/admin/tokens", "%", HealthDirection.HigherIsWorse, 1, 5, 0, 100) { Order = 30 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var yesterday = DateOnly.FromDateTime(now).AddDays(-1);
        var days = await db.ApiTokenDailyUsage.Where(u => u.Day >= yesterday).Select(u => new { u.Requests, u.Errors }).ToListAsync(cancellationToken);
        var requests = days.Sum(d => d.Requests);
        if (requests == 0)
        {
            return new HealthFigure(null, "No API request since yesterday");
        }

        var rate = Math.Round(days.Sum(d => d.Errors) * 100.0 / requests, 2);
        return new HealthFigure(rate, $"{HealthIndicatorRegistration.Number(rate)} % of {requests} API requests since yesterday answered with an error");
    }
}
