using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>
/// When the audit chain was last verified and with what result (the daily job or <c>audit verify</c>,
/// both recorded as <see cref="AuditVerification"/>). The figure is the days since the last run that
/// found the chain intact; a last run that found a break is critical whatever the figure. Never
/// verified: the days since the trail's first entry, so a new installation starts good and one whose
/// check never runs turns amber after a week.
/// </summary>
public sealed class AuditChainHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "audit-chain-verified";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Audit chain last verified",
        "Days since the audit check last found the trail intact (the daily verify-audit-chain job, or audit verify on the command line). A check that found a break is critical: the trail was changed behind the CRM's back.",
        "/admin/scheduler", "days", HealthDirection.HigherIsWorse, 7, 30, 0, 3650) { Order = 95 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var runs = db.Set<AuditVerification>().AsNoTracking();
        var last = await runs.OrderByDescending(v => v.RanAt).Select(v => new { v.RanAt, v.Intact, v.FirstBrokenId, v.Problem }).FirstOrDefaultAsync(cancellationToken);
        var lastIntact = await runs.Where(v => v.Intact).OrderByDescending(v => v.RanAt).Select(v => (DateTime?)v.RanAt).FirstOrDefaultAsync(cancellationToken);
        if (last is null)
        {
            var first = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).Select(e => (DateTime?)e.At).FirstOrDefaultAsync(cancellationToken);
            var unverified = first is { } since ? Days(now - since) : 0;
            return new HealthFigure(unverified, $"The audit trail has never been verified (its first entry is {Plural(unverified)} old)");
        }

        var days = Days(now - (lastIntact ?? last.RanAt));
        if (!last.Intact)
        {
            var when = Plural(Days(now - last.RanAt));
            return new HealthFigure(days, $"The last audit check, {when} ago, found the trail BROKEN at entry {last.FirstBrokenId}: {last.Problem}")
            {
                AtLeast = HealthState.Critical,
            };
        }

        return new HealthFigure(days, days < 1 ? "The audit trail was verified intact within the last day" : $"The audit trail was last verified intact {Plural(days)} ago");
    }

    // Whole days, so "verified 6 days ago" means what it says and the 7-day threshold is crossed on the 8th day.
    private static double Days(TimeSpan span) => Math.Max(0, Math.Floor(span.TotalDays));

    private static string Plural(double days) => days == 1 ? "1 day" : $"{HealthIndicatorRegistration.Number(days)} days";
}
