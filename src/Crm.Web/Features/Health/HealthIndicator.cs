namespace Crm.Web.Features.Health;

public enum HealthState
{
    Good = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>Which way an indicator's figure gets worse: a queue grows, a success rate falls.</summary>
public enum HealthDirection
{
    HigherIsWorse = 0,
    LowerIsWorse = 1,
}

/// <summary>
/// What an indicator is: its key (the thresholds' and history's row), its title, what it measures,
/// where to act on it, the unit of its figure, which way the figure gets worse, its default warning
/// and critical thresholds and the range an administrator may set them in. <see cref="WithoutFigure"/>
/// is the state when there is nothing to measure (no webhook attempt in 24 h: good; the scheduler never ran: critical).
/// </summary>
public sealed record HealthIndicatorDefinition(
    string Key,
    string Title,
    string Description,
    string Link,
    string Unit,
    HealthDirection Direction,
    double Warning,
    double Critical,
    double Minimum,
    double Maximum)
{
    public HealthState WithoutFigure { get; init; } = HealthState.Good;

    /// <summary>The dashboard's order (the seed's table first).</summary>
    public int Order { get; init; }
}

/// <summary>
/// One measurement: the figure compared with the thresholds (null when there is nothing to measure)
/// and a sentence an administrator reads, e.g. "2 of 3 — Dana has none".
/// </summary>
public sealed record HealthFigure(double? Value, string Summary)
{
    /// <summary>
    /// A state the figure cannot express, at least as bad as the thresholds say: a verification of the
    /// audit chain that found a break is critical however recent it is.
    /// </summary>
    public HealthState? AtLeast { get; init; }
}

/// <summary>
/// A health figure contributed by a feature from its own folder and registered by its own setup
/// (<see cref="HealthIndicatorRegistration.AddHealthIndicator{T}"/>): the dashboard, the API, the
/// recording job and <c>/metrics</c> list whatever is registered, so a new feature adds its indicator
/// without touching them. Resolved per scope; it reads, never writes.
/// </summary>
public interface IHealthIndicator
{
    HealthIndicatorDefinition Definition { get; }

    Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken);
}

public static class HealthIndicatorRegistration
{
    public static IServiceCollection AddHealthIndicator<TIndicator>(this IServiceCollection services)
        where TIndicator : class, IHealthIndicator =>
        services.AddScoped<IHealthIndicator, TIndicator>();

    /// <summary>The figure's state under the given thresholds: beyond the critical one is critical, beyond the warning one a warning.</summary>
    public static HealthState StateOf(this HealthIndicatorDefinition definition, double warning, double critical, double? value) =>
        value is not { } figure ? definition.WithoutFigure
        : definition.Direction == HealthDirection.HigherIsWorse
            ? figure > critical ? HealthState.Critical : figure > warning ? HealthState.Warning : HealthState.Good
            : figure < critical ? HealthState.Critical : figure < warning ? HealthState.Warning : HealthState.Good;

    /// <summary>The figure's state under the thresholds, raised to what the indicator itself says at least (<see cref="HealthFigure.AtLeast"/>).</summary>
    public static HealthState StateOf(this HealthIndicatorDefinition definition, double warning, double critical, HealthFigure figure)
    {
        var state = definition.StateOf(warning, critical, figure.Value);
        return figure.AtLeast is { } floor && floor > state ? floor : state;
    }

    /// <summary>The thresholds as a sentence: "warning above 2 minutes, critical above 5 minutes".</summary>
    public static string ThresholdText(this HealthIndicatorDefinition definition, double warning, double critical)
    {
        var word = definition.Direction == HealthDirection.HigherIsWorse ? "above" : "below";
        return $"warning {word} {Number(warning)} {definition.Unit}, critical {word} {Number(critical)} {definition.Unit}";
    }

    public static string Number(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A few names for a summary: "Ann, Bob and 3 more".</summary>
    public static string Names(IReadOnlyList<string> names, int shown = 5) =>
        names.Count <= shown ? string.Join(", ", names) : string.Join(", ", names.Take(shown)) + $" and {names.Count - shown} more";
}
