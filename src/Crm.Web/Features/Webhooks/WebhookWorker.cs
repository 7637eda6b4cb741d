using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// The background sender, one per instance: every second (or when woken) it turns newly sealed
/// audit entries into deliveries (<see cref="WebhookFanOut"/>), then leases the due deliveries of
/// enabled endpoints in batches, in the order of the trail (due time, then audit entry), and sends them (<see cref="WebhookSender"/>), each endpoint its own in order, endpoints side by side. Leases make several
/// instances safe: PostgreSQL claims with FOR UPDATE SKIP LOCKED, SQLite under its write lock, and
/// a lease that outlives a crashed instance lapses so another sends the delivery (at least once).
/// </summary>
public sealed class WebhookWorker(
    IServiceScopeFactory scopes,
    WebhookSender sender,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider clock,
    PeopleAtWork people,
    ILogger<WebhookWorker> logger) : TrailWorker(logger, people)
{
    /// <summary>Far longer than the 15 s timeout: a lease only lapses when its instance died mid-send.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override bool Enabled => options.CurrentValue.Delivery.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.Delivery.IntervalSeconds));

    protected override string EnabledSetting => "Webhooks:Delivery:Enabled";

    // An attempted delivery is done, waits for its retry time, or waits for its endpoint to be enabled: never due again at once.
    protected override bool AgainAfterWork => true;

    /// <summary>One pass: fan out what was sealed, then send everything due; returns how many deliveries were attempted.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await LetPeopleGoFirstAsync(cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<WebhookFanOut>().RunAsync(cancellationToken) < WebhookFanOut.Batch)
            {
                break;
            }
        }

        var attempted = 0;
        var batch = Math.Max(1, options.CurrentValue.Delivery.BatchSize);
        while (true)
        {
            await LetPeopleGoFirstAsync(cancellationToken);
            var claim = Guid.CreateVersion7();
            var leased = await ClaimAsync(claim, batch, cancellationToken);
            // An endpoint gets its deliveries one after another, in the order of the trail; endpoints do
            // not wait for each other, so one slow receiver does not hold up the rest and three endpoints
            // take about the time of one.
            var sent = await Task.WhenAll(leased.GroupBy(d => d.Endpoint.Id).Select(endpoint =>
                sender.SendInOrderAsync(endpoint.First().Endpoint, endpoint.Select(d => d.Delivery).ToList(), claim, cancellationToken)));

            attempted += sent.Sum();
            if (leased.Count < batch)
            {
                return attempted;
            }
        }
    }

    private async Task<List<(WebhookDelivery Delivery, WebhookEndpoint Endpoint)>> ClaimAsync(Guid claim, int batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        if (!await (from d in db.Set<WebhookDelivery>()
                    join e in db.Set<WebhookEndpoint>() on d.EndpointId equals e.Id
                    where d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && e.IsEnabled
                    select d.Id).AnyAsync(cancellationToken))
        {
            // Nothing due: no transaction, no lock.
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        List<Guid> ids;
        if (db.Database.IsNpgsql())
        {
            ids = await db.Database.SqlQuery<Guid>($"""
                SELECT d."Id" AS "Value" FROM "WebhookDeliveries" d
                JOIN "WebhookEndpoints" e ON e."Id" = d."EndpointId"
                WHERE d."Status" = {(int)WebhookDeliveryStatus.Pending} AND d."NextAttemptAt" <= {now}
                  AND (d."LeasedUntil" IS NULL OR d."LeasedUntil" < {now}) AND e."IsEnabled"
                ORDER BY d."NextAttemptAt", d."AuditEntryId"
                LIMIT {batch}
                FOR UPDATE OF d SKIP LOCKED
                """).ToListAsync(cancellationToken);
        }
        else
        {
            ids = await (from d in db.Set<WebhookDelivery>()
                         join e in db.Set<WebhookEndpoint>() on d.EndpointId equals e.Id
                         where d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeasedUntil == null || d.LeasedUntil < now) && e.IsEnabled
                         orderby d.NextAttemptAt, d.AuditEntryId
                         select d.Id).Take(batch).ToListAsync(cancellationToken);
        }

        if (ids.Count > 0)
        {
            // The lease is re-checked in the UPDATE: on SQLite another instance may have leased a row since it was read.
            await db.Set<WebhookDelivery>().Where(d => ids.Contains(d.Id) && (d.LeasedUntil == null || d.LeasedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, claim).SetProperty(d => d.LeasedUntil, until), cancellationToken);
        }

        // Read whole, with their endpoints, once per batch: the sender needs nothing else from the database.
        // By key, then the lease: LeaseOwner has no index, and the table keeps every delivered row for
        // the retention period, so a lookup by lease alone would read all of them on every batch.
        var leased = await (from d in db.Set<WebhookDelivery>().AsNoTracking()
                            join e in db.Set<WebhookEndpoint>().AsNoTracking() on d.EndpointId equals e.Id
                            where ids.Contains(d.Id) && d.LeaseOwner == claim
                            orderby d.NextAttemptAt, d.AuditEntryId
                            select new { Delivery = d, Endpoint = e }).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return leased.Select(d => (d.Delivery, d.Endpoint)).ToList();
    }
}
