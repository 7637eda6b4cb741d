using System.Text.Json.Serialization;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

/// <summary>Whether a token opens the API now, and if not, why not.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApiTokenStatus>))]
public enum ApiTokenStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("expired")] Expired,
    [JsonStringEnumMemberName("revoked")] Revoked,
    [JsonStringEnumMemberName("user-inactive")] UserInactive,
}

public sealed record ApiTokenSummary(
    Guid Id,
    string Name,
    string Prefix,
    Guid UserId,
    string UserName,
    string UserEmail,
    bool UserIsAdministrator,
    DateTime CreatedAt,
    DateTime? ExpiresAt,
    DateTime? LastUsedAt,
    long UseCount,
    DateTime? RevokedAt,
    ApiTokenStatus Status,
    bool UnusedForSixMonths,
    IReadOnlyDictionary<string, IReadOnlySet<string>>? Scopes,
    long RequestsLast30Days,
    long ErrorsLast30Days,
    bool HighUse)
{
    /// <summary>"leads: create, view; deals: view", or null for a token with all of its user's permissions.</summary>
    public string? ScopesText => Scopes is null ? null : string.Join("; ", Scopes.OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => $"{p.Key}: {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"));
}

/// <summary>
/// Every token with what an administrator reviews each quarter: who it acts as, when it was last
/// used and how often, and whether it still works. Active tokens unused for six months are
/// flagged: the integration is probably gone, and the token is only a risk. So is a token whose
/// use jumped (<see cref="IsHighUse"/>): a runaway integration, or a token in other hands.
/// </summary>
public sealed class ListApiTokens(CrmDb db, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<ApiTokenSummary>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<ApiTokenSummary>>.Forbidden("Only an administrator can see API tokens.");
        }

        var rows = await (
                from t in db.ApiTokens
                join u in db.Users on t.UserId equals u.Id
                orderby t.CreatedAt descending
                select new
                {
                    t.Id, t.Name, t.Prefix, t.UserId, u.FullName, u.Email, u.IsAdministrator, u.IsActive,
                    t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.UseCount, t.RevokedAt, t.Scopes,
                })
            .ToListAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now.AddMonths(-6);
        var today = DateOnly.FromDateTime(now);
        var since = today.AddDays(-(BaselineDays + 1));
        var days = (await db.ApiTokenDailyUsage.Where(u => u.Day >= since).Select(u => new { u.TokenId, u.Day, u.Requests, u.Errors }).ToListAsync(cancellationToken))
            .ToLookup(u => u.TokenId);
        return Result<IReadOnlyList<ApiTokenSummary>>.Ok(rows.Select(r =>
        {
            var status = StatusOf(r.RevokedAt, r.ExpiresAt, r.IsActive, now);
            return new ApiTokenSummary(
                r.Id, r.Name, r.Prefix, r.UserId,
                string.IsNullOrWhiteSpace(r.FullName) ? r.Email ?? "" : r.FullName, r.Email ?? "", r.IsAdministrator,
                r.CreatedAt, r.ExpiresAt, r.LastUsedAt, r.UseCount, r.RevokedAt, status,
                status == ApiTokenStatus.Active && (r.LastUsedAt ?? r.CreatedAt) < staleBefore,
                Security.Permissions.TokenScopes.FromStored(r.Scopes)?.Actions,
                days[r.Id].Where(d => d.Day > today.AddDays(-30)).Sum(d => d.Requests),
                days[r.Id].Where(d => d.Day > today.AddDays(-30)).Sum(d => d.Errors),
                IsHighUse(days[r.Id].ToDictionary(d => d.Day, d => d.Requests), today));
        }).ToList());
    }

    private const int BaselineDays = 30;

    /// <summary>
    /// Today or yesterday brought more than ten times the token's usual day: the median of the 30
    /// days before it (days without use count as none), taken as at least 10 so that a token barely
    /// used is not flagged for its first busy afternoon.
    /// </summary>
    public static bool IsHighUse(IReadOnlyDictionary<DateOnly, long> requestsPerDay, DateOnly today)
    {
        foreach (var day in new[] { today, today.AddDays(-1) })
        {
            var baseline = Enumerable.Range(1, BaselineDays).Select(back => requestsPerDay.GetValueOrDefault(day.AddDays(-back))).Order().ToList();
            var median = (baseline[(BaselineDays - 1) / 2] + baseline[BaselineDays / 2]) / 2.0;
            if (requestsPerDay.GetValueOrDefault(day) > 10 * Math.Max(median, 10))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Revocation is the most deliberate reason, so it is named first; the user's state last.</summary>
    public static ApiTokenStatus StatusOf(DateTime? revokedAt, DateTime? expiresAt, bool userIsActive, DateTime now) =>
        revokedAt is not null ? ApiTokenStatus.Revoked
        : expiresAt <= now ? ApiTokenStatus.Expired
        : !userIsActive ? ApiTokenStatus.UserInactive
        : ApiTokenStatus.Active;
}
