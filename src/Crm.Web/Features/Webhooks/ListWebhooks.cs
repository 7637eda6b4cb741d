using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>Delivery health: the share of attempts that succeeded over 24 hours and 7 days (null without attempts) and the oldest delivery still waiting.</summary>
/// <remarks><paramref name="Waiting"/> counts the deliveries not sent yet: for a disabled endpoint, the missed events it holds.</remarks>
public sealed record WebhookHealth(double? SuccessRate24h, int Attempts24h, double? SuccessRate7d, int Attempts7d, DateTime? OldestWaitingSince, int Waiting);

/// <summary>An endpoint as lists and the API show it; never its secret.</summary>
public sealed record WebhookSummary(
    Guid Id, string Name, string Url, Guid UserId, string UserName, IReadOnlyList<string> Modules, IReadOnlyList<string> Events,
    bool Enabled, string? DisabledReason, DateTime? DebugUntil, DateTime? PreviousSecretUntil, DateTime CreatedAt, WebhookHealth Health,
    IReadOnlyList<WebhookCondition> Filter);

/// <summary>Every endpoint with its health (<c>/admin/webhooks</c>, <c>GET /api/v1/webhooks</c>).</summary>
public sealed class ListWebhooks(CrmDb db, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<WebhookSummary>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<WebhookSummary>>.Forbidden("Only administrators can see webhooks.");
        }

        return Result<IReadOnlyList<WebhookSummary>>.Ok(await SummariesAsync(null, cancellationToken));
    }

    internal async Task<List<WebhookSummary>> SummariesAsync(Guid? only, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var day = now.AddDays(-1);
        var week = now.AddDays(-7);
        var endpoints = await (from e in db.Set<WebhookEndpoint>().AsNoTracking()
                               where only == null || e.Id == only
                               join u in db.Users on e.UserId equals u.Id
                               orderby e.Name
                               select new { Endpoint = e, UserName = u.FullName }).ToListAsync(cancellationToken);
        var attempts = await db.Set<WebhookAttempt>().AsNoTracking()
            .Where(a => a.At >= week && (only == null || a.EndpointId == only))
            .GroupBy(a => a.EndpointId)
            .Select(g => new
            {
                EndpointId = g.Key,
                Week = g.Count(),
                WeekOk = g.Count(a => a.Succeeded),
                Day = g.Count(a => a.At >= day),
                DayOk = g.Count(a => a.At >= day && a.Succeeded),
            }).ToDictionaryAsync(a => a.EndpointId, cancellationToken);
        var waiting = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && (only == null || d.EndpointId == only))
            .GroupBy(d => d.EndpointId)
            .Select(g => new { EndpointId = g.Key, Oldest = g.Min(d => d.CreatedAt), Count = g.Count() })
            .ToDictionaryAsync(w => w.EndpointId, cancellationToken);
        return [.. endpoints.Select(row =>
        {
            var e = row.Endpoint;
            var a = attempts.GetValueOrDefault(e.Id);
            var health = new WebhookHealth(
                a is { Day: > 0 } ? (double)a.DayOk / a.Day : null, a?.Day ?? 0,
                a is { Week: > 0 } ? (double)a.WeekOk / a.Week : null, a?.Week ?? 0,
                waiting.TryGetValue(e.Id, out var held) ? held.Oldest : null, held?.Count ?? 0);
            return new WebhookSummary(e.Id, e.Name, e.Url, e.UserId, row.UserName, e.ModuleList, e.EventList, e.IsEnabled, e.DisabledReason,
                e.DebugUntil > now ? e.DebugUntil : null, e.PreviousSecretUntil > now ? e.PreviousSecretUntil : null, e.CreatedAt, health,
                WebhookFilters.Parse(e.Filter));
        })];
    }
}
