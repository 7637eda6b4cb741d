using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

/// <summary>One indicator measured now, under the thresholds in force (an administrator's, else its defaults).</summary>
public sealed record HealthMeasurement(HealthIndicatorDefinition Definition, double Warning, double Critical, HealthFigure Figure, HealthState State)
{
    public string Thresholds => Definition.ThresholdText(Warning, Critical);
}

/// <summary>
/// Measures every registered indicator (the dashboard, the API, the checklist, the recording job
/// and <c>/metrics</c> all start here). Not a use case of its own: its callers check who asks.
/// </summary>
public sealed class MeasureHealth(CrmDb db, IEnumerable<IHealthIndicator> indicators, TimeProvider clock)
{
    public IEnumerable<HealthIndicatorDefinition> Definitions => indicators.Select(i => i.Definition).OrderBy(d => d.Order).ThenBy(d => d.Key, StringComparer.Ordinal);

    public async Task<IReadOnlyList<HealthMeasurement>> RunAsync(CancellationToken cancellationToken)
    {
        var thresholds = await db.Set<HealthThreshold>().AsNoTracking().ToDictionaryAsync(t => t.Key, StringComparer.Ordinal, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var measured = new List<HealthMeasurement>();
        // One after another: the indicators share the scope's CrmDb.
        foreach (var indicator in indicators.OrderBy(i => i.Definition.Order).ThenBy(i => i.Definition.Key, StringComparer.Ordinal))
        {
            var definition = indicator.Definition;
            var (warning, critical) = thresholds.TryGetValue(definition.Key, out var set) ? (set.Warning, set.Critical) : (definition.Warning, definition.Critical);
            var figure = await indicator.MeasureAsync(now, cancellationToken);
            measured.Add(new HealthMeasurement(definition, warning, critical, figure, definition.StateOf(warning, critical, figure)));
        }

        return measured;
    }
}
