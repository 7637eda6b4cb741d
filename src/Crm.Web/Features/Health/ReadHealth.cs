using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

public sealed record HealthDay(DateOnly Day, double? Figure, HealthState State);

/// <summary>An indicator as the dashboard and <c>GET /api/v1/health</c> show it.</summary>
public sealed record HealthIndicatorView(
    string Key,
    string Title,
    string Description,
    string Link,
    string Unit,
    HealthDirection Direction,
    double? Figure,
    string Summary,
    HealthState State,
    double Warning,
    double Critical,
    double DefaultWarning,
    double DefaultCritical,
    double Minimum,
    double Maximum,
    string Thresholds,
    IReadOnlyList<HealthDay> History);

/// <summary><c>Digest</c>: whether the administrator asking gets the daily health digest (their own choice).</summary>
public sealed record HealthOverview(DateTime MeasuredAt, HealthState Worst, IReadOnlyList<HealthIndicatorView> Indicators, bool Digest);

/// <summary>Every indicator measured now, with its thresholds and its last 30 days (administrators only).</summary>
public sealed class ReadHealth(CrmDb db, MeasureHealth measure, TimeProvider clock)
{
    public async Task<Result<HealthOverview>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<HealthOverview>.Forbidden("Only administrators can see the health dashboard.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var measured = await measure.RunAsync(cancellationToken);
        var from = DateOnly.FromDateTime(now).AddDays(1 - HealthReading.KeptDays);
        var history = (await db.Set<HealthReading>().AsNoTracking().Where(r => r.Day >= from).ToListAsync(cancellationToken))
            .ToLookup(r => r.Key, StringComparer.Ordinal);
        var views = measured.Select(m => new HealthIndicatorView(
            m.Definition.Key, m.Definition.Title, m.Definition.Description, m.Definition.Link, m.Definition.Unit, m.Definition.Direction,
            m.Figure.Value, m.Figure.Summary, m.State, m.Warning, m.Critical, m.Definition.Warning, m.Definition.Critical,
            m.Definition.Minimum, m.Definition.Maximum, m.Thresholds,
            history[m.Definition.Key].OrderBy(r => r.Day).Select(r => new HealthDay(r.Day, r.Figure, r.State)).ToList())).ToList();
        var worst = views.Count == 0 ? HealthState.Good : views.Max(v => v.State);
        var digest = await SaveHealthDigest.IsEnabledAsync(db, actor, cancellationToken);
        return Result<HealthOverview>.Ok(new HealthOverview(now, worst, views, digest));
    }
}
