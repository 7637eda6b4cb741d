using Crm.Web.Features.Health;

namespace Crm.Web.Features.Gdpr;

/// <summary>Rights requests past their 30-day legal deadline: the health dashboard's "GDPR requests past their deadline".</summary>
public sealed class GdprOverdueHealth(GdprDeadlines deadlines) : IHealthIndicator
{
    public const string Key = "gdpr-overdue";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "GDPR requests past their deadline",
        "Open rights requests older than the 30 days the law allows. Answer them now, and record why they were late.",
        "/admin/gdpr", "requests", HealthDirection.HigherIsWorse, 0, 0, 0, 1_000_000) { Order = 90 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var overdue = (await deadlines.CountAsync(cancellationToken)).Overdue;
        return new HealthFigure(overdue, overdue switch
        {
            0 => "No request is past its deadline",
            1 => "1 request is past its deadline",
            _ => $"{overdue} requests are past their deadline",
        });
    }
}

/// <summary>Rights requests due within 7 days: the dashboard's early warning before they are late.</summary>
public sealed class GdprDueSoonHealth(GdprDeadlines deadlines) : IHealthIndicator
{
    public const string Key = "gdpr-due-soon";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "GDPR requests due within 7 days",
        "Open rights requests whose 30-day deadline is at most a week away.",
        "/admin/gdpr", "requests", HealthDirection.HigherIsWorse, 0, 5, 0, 1_000_000) { Order = 91 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var due = (await deadlines.CountAsync(cancellationToken)).DueWithinSevenDays;
        return new HealthFigure(due, due switch
        {
            0 => "No request is due within 7 days",
            1 => "1 request is due within 7 days",
            _ => $"{due} requests are due within 7 days",
        });
    }
}
