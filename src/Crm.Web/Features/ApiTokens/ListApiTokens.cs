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
    IReadOnlyDictionary<string, IReadOnlySet<string>>? Scopes)
{
    /// <summary>"leads: create, view; deals: view", or null for a token with all of its user's permissions.</summary>
    public string? ScopesText => Scopes is null ? null : string.Join("; ", Scopes.OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => $"{p.Key}: {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"));
}

/// <summary>
/// Every token with what an administrator reviews each quarter: who it acts as, when it was last
/// used and how often, and whether it still works. Active tokens unused for six months are
/// flagged: the integration is probably gone, and the token is only a risk.
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
        return Result<IReadOnlyList<ApiTokenSummary>>.Ok(rows.Select(r =>
        {
            var status = StatusOf(r.RevokedAt, r.ExpiresAt, r.IsActive, now);
            return new ApiTokenSummary(
                r.Id, r.Name, r.Prefix, r.UserId,
                string.IsNullOrWhiteSpace(r.FullName) ? r.Email ?? "" : r.FullName, r.Email ?? "", r.IsAdministrator,
                r.CreatedAt, r.ExpiresAt, r.LastUsedAt, r.UseCount, r.RevokedAt, status,
                status == ApiTokenStatus.Active && (r.LastUsedAt ?? r.CreatedAt) < staleBefore,
                Security.Permissions.TokenScopes.FromStored(r.Scopes)?.Actions);
        }).ToList());
    }

    /// <summary>Revocation is the most deliberate reason, so it is named first; the user's state last.</summary>
    public static ApiTokenStatus StatusOf(DateTime? revokedAt, DateTime? expiresAt, bool userIsActive, DateTime now) =>
        revokedAt is not null ? ApiTokenStatus.Revoked
        : expiresAt <= now ? ApiTokenStatus.Expired
        : !userIsActive ? ApiTokenStatus.UserInactive
        : ApiTokenStatus.Active;
}
