using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>The <c>Automation:*</c> settings.</summary>
public sealed class AutomationOptions
{
    public const string Section = "Automation";

    /// <summary>Off: this instance runs no rules on its own (another instance does, or a test drives it).</summary>
    public bool WorkerEnabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 1;
    public int BatchSize { get; set; } = 20;

    /// <summary>Days a run stays in the log (<see cref="PruneAutomationRuns"/>); a run with an action still waiting stays longer.</summary>
    public int RunLogDays { get; set; } = 30;

    /// <summary>How many runs a rule fired by changes may have within a minute before the CRM pauses it (<see cref="AutomationFanOut"/>).</summary>
    public int MaxRunsPerMinute { get; set; } = 1000;

    /// <summary>How many days back a date rule fires what it missed while the CRM or its scheduler was down (<see cref="FireDateRules"/>).</summary>
    public int DateCatchUpDays { get; set; } = 7;
}

/// <summary>
/// The automation engine's loop, one per instance: every second (or when woken) it runs the rules
/// on newly sealed changes (<see cref="AutomationFanOut"/>), then leases the due actions and does
/// each (<see cref="RunAutomationAction"/>). Leases make several instances safe: PostgreSQL claims
/// with FOR UPDATE SKIP LOCKED, SQLite under its write lock; a lease of a crashed instance lapses.
/// </summary>
public sealed class AutomationWorker(IServiceScopeFactory scopes, IOptionsMonitor<AutomationOptions> options, TimeProvider clock, PeopleAtWork people, ILogger<AutomationWorker> logger)
    : TrailWorker(logger, people)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override bool Enabled => options.CurrentValue.WorkerEnabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.IntervalSeconds));

    protected override string EnabledSetting => "Automation:WorkerEnabled";

    // An attempted action is done, failed, or waits for its retry time (RunAutomationAction.Backoff): never due again at once.
    protected override bool AgainAfterWork => true;

    /// <summary>One pass: the rules on what was sealed, then every due action; returns how many actions were attempted.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await LetPeopleGoFirstAsync(cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<AutomationFanOut>().RunAsync(cancellationToken) < AutomationFanOut.Batch)
            {
                break;
            }
        }

        var attempted = 0;
        var batch = Math.Max(1, options.CurrentValue.BatchSize);
        while (true)
        {
            await LetPeopleGoFirstAsync(cancellationToken);
            var claim = Guid.CreateVersion7();
            var leased = await LeaseAsync(claim, batch, cancellationToken);
            foreach (var id in leased)
            {
                // A scope per action: one action's failure leaves nothing tracked for the next.
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RunAutomationAction>().RunAsync(id, claim, cancellationToken);
            }

            attempted += leased.Count;
            if (leased.Count < batch)
            {
                return attempted;
            }
        }
    }

    private async Task<List<Guid>> LeaseAsync(Guid claim, int batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = db.Set<AutomationActionRun>()
            .Where(a => a.Status == AutomationActionStatus.Pending && a.NextAttemptAt <= now && (a.LeasedUntil == null || a.LeasedUntil < now));
        if (!await due.AnyAsync(cancellationToken))
        {
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = db.Database.IsNpgsql()
            ? await db.Database.SqlQuery<Guid>($"""
                SELECT "Id" AS "Value" FROM "AutomationActionRuns"
                WHERE "Status" = {(int)AutomationActionStatus.Pending} AND "NextAttemptAt" <= {now} AND ("LeasedUntil" IS NULL OR "LeasedUntil" < {now})
                ORDER BY "NextAttemptAt" LIMIT {batch} FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken)
            : await due.OrderBy(a => a.NextAttemptAt).Select(a => a.Id).Take(batch).ToListAsync(cancellationToken);
        // The lease is re-checked in the UPDATE: on SQLite another instance may have leased a row since it was read.
        await db.Set<AutomationActionRun>().Where(a => ids.Contains(a.Id) && (a.LeasedUntil == null || a.LeasedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseOwner, claim).SetProperty(a => a.LeasedUntil, now + Lease), cancellationToken);
        // By key, then the lease: LeaseOwner has no index, and finished runs stay in the table.
        var leased = await db.Set<AutomationActionRun>().Where(a => ids.Contains(a.Id) && a.LeaseOwner == claim).OrderBy(a => a.NextAttemptAt).Select(a => a.Id).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return leased;
    }
}
