using Crm.Tests.Infrastructure;
using Crm.Web.Features.Health;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Health;

/// <summary>Measures one indicator as the app registered it, at the app's time or later, under its default thresholds or given ones.</summary>
internal static class HealthKit
{
    public static async Task<(HealthState State, HealthFigure Figure)> MeasureAsync(
        CrmApp app, string key, TimeSpan? later = null, (double Warning, double Critical)? thresholds = null)
    {
        using var scope = app.Services.CreateScope();
        var indicator = scope.ServiceProvider.GetServices<IHealthIndicator>().Single(i => i.Definition.Key == key);
        var figure = await indicator.MeasureAsync(app.Clock.GetUtcNow().UtcDateTime + (later ?? TimeSpan.Zero), CancellationToken.None);
        var definition = indicator.Definition;
        var (warning, critical) = thresholds ?? (definition.Warning, definition.Critical);
        return (definition.StateOf(warning, critical, figure), figure);
    }

    public static async Task<HealthState> StateAsync(CrmApp app, string key, TimeSpan? later = null, (double Warning, double Critical)? thresholds = null) =>
        (await MeasureAsync(app, key, later, thresholds)).State;
}
