using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>The seed's "webhook delivery rate": the share of delivery attempts of the last 24 hours that the receiver accepted.</summary>
public sealed class WebhookDeliveryHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "webhook-delivery";
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Webhook delivery rate",
        "The share of webhook delivery attempts of the last 24 hours that the receiver accepted (a 2xx answer). Below 95 % a destination URL has a problem: its endpoint's page lists the failed attempts.",
        "/admin/webhooks", "%", HealthDirection.LowerIsWorse, 99, 95, 0, 100) { Order = 40 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var since = now - Window;
        var attempts = await db.Set<WebhookAttempt>().Where(a => a.At >= since)
            .GroupBy(a => a.Succeeded).Select(g => new { Succeeded = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var total = attempts.Sum(a => a.Count);
        if (total == 0)
        {
            return new HealthFigure(null, "No delivery attempt in the last 24 hours");
        }

        var rate = Math.Round(attempts.Where(a => a.Succeeded).Sum(a => a.Count) * 100.0 / total, 2);
        return new HealthFigure(rate, $"{HealthIndicatorRegistration.Number(rate)} % of {total} delivery attempts in the last 24 hours succeeded");
    }
}
