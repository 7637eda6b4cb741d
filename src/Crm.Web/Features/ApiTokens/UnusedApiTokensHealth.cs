using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

/// <summary>The checklist's "inactive API tokens revoked": tokens still valid but not used for 6 months (180 days), or never since created that long ago.</summary>
public sealed class UnusedApiTokensHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "api-tokens-unused";
    public static readonly TimeSpan UnusedAfter = TimeSpan.FromDays(180);

    public HealthIndicatorDefinition Definition { get; } = new(Key, "API tokens unused for 6 months",
        "Tokens that still open the API but were not used for 180 days. Revoke what no integration needs any more: a forgotten token is a door nobody watches.",
        "/admin/tokens", "tokens", HealthDirection.HigherIsWorse, 0, 5, 0, 100_000) { Order = 70 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var since = now - UnusedAfter;
        var names = await (
                from t in db.ApiTokens
                join u in db.Users on t.UserId equals u.Id
                where t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now) && u.IsActive
                      && (t.LastUsedAt == null ? t.CreatedAt < since : t.LastUsedAt < since)
                orderby t.Name
                select t.Name)
            .ToListAsync(cancellationToken);
        return new HealthFigure(names.Count, names.Count == 0
            ? "Every valid token was used in the last 6 months"
            : $"{names.Count} {(names.Count == 1 ? "token" : "tokens")} unused for 6 months: {HealthIndicatorRegistration.Names(names)}");
    }
}
