using System.Diagnostics;
using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Automation;

/// <summary>
/// Turns the sealed audit trail into rule runs (ADR 0029): after a change has committed, each
/// enabled rule of its module whose trigger it is gets evaluated as the rule's automation user, the
/// run is logged, and a matching run queues its actions for the worker. It reads the trail as the
/// webhooks do (<see cref="SealedTrailReader"/>), so a slow or failing rule never blocks or rolls
/// back the save, and a rolled-back save never fires a rule.
/// </summary>
public sealed class AutomationFanOut(CrmDb db, EvaluateRule evaluate, TimeProvider clock, IOptionsMonitor<AutomationOptions> options, AdministratorNotices notices)
{
    public const int Batch = 200;

    /// <summary>Changes made by rules carry their run in the audit entry's request id, so a chain can be followed and cut.</summary>
    public const string RunPrefix = "automation-run:";

    /// <summary>How many automation steps may follow a person's change (a run at this depth only logs that it was cut).</summary>
    public const int MaxDepth = 3;

    public Task<int> RunAsync(CancellationToken cancellationToken) => SealedTrailReader.ReadAsync<AutomationCursor>(db, Batch, FanOutAsync, cancellationToken);

    private async Task<bool> FanOutAsync(IReadOnlyList<SealedEntry> entries, CancellationToken cancellationToken)
    {
        var rules = await db.Set<AutomationRule>().Where(r => r.IsEnabled).ToListAsync(cancellationToken);
        if (rules.Count == 0)
        {
            return false;
        }

        var since = clock.GetUtcNow().UtcDateTime.AddMinutes(-1);
        var ruleIds = rules.Select(r => r.Id).ToList();
        var lastMinute = await db.Set<AutomationRun>().Where(r => ruleIds.Contains(r.RuleId) && r.At >= since)
            .GroupBy(r => r.RuleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        foreach (var entry in entries)
        {
            // The CRM's records by their whole-number IDs, users by their GUIDs (ADR 0050); anything else no rule watches.
            if (AutomationModules.OfAudited(entry.EntityType) is not { } module || module.KeyOf(entry.EntityId) is not { } recordKey
                || !module.Sees(entry.Action, entry.Changes))
            {
                continue;
            }

            var kind = entry.Action switch
            {
                AuditActions.Restored => AutomationTriggers.Created,
                AuditActions.Transferred => AutomationTriggers.Updated,
                _ => entry.Action,
            };
            AutomationRun? parent = null;
            foreach (var rule in rules.Where(r => r.IsEnabled && r.Module == module.Key
                && (r.Trigger == kind || (r.Trigger == AutomationTriggers.Event && kind == AutomationTriggers.Updated))))
            {
                if (lastMinute.GetValueOrDefault(rule.Id) >= Math.Max(1, options.CurrentValue.MaxRunsPerMinute))
                {
                    await PauseAsync(rule, cancellationToken);
                    continue;
                }

                parent ??= await ParentAsync(entry, cancellationToken);
                if (await RecordRunAsync(rule, entry.Action, entry.EntryId, recordKey, entry.Label, entry.Changes, parent, cancellationToken) is not null)
                {
                    lastMinute[rule.Id] = lastMinute.GetValueOrDefault(rule.Id) + 1;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A rule that ran <see cref="AutomationOptions.MaxRunsPerMinute"/> times within a minute is
    /// most likely reacting to a flood or a loop the depth limit does not see (an import, a rule
    /// and a webhook feeding each other): it stops, says why, and every active administrator is
    /// told. Changes made meanwhile are not run later; enabling the rule again resumes from then.
    /// </summary>
    private async Task PauseAsync(AutomationRule rule, CancellationToken cancellationToken)
    {
        var limit = Math.Max(1, options.CurrentValue.MaxRunsPerMinute);
        var now = clock.GetUtcNow().UtcDateTime;
        rule.IsEnabled = false;
        rule.StoppedReason = $"Paused by the CRM: it ran {limit:N0} times within a minute, more than a rule should. Check its trigger and conditions, then enable it again.";
        await notices.AddAsync(now, $"Automation rule paused: {rule.Name}", rule.StoppedReason, $"/admin/automation/{rule.Id}", cancellationToken);
    }

    /// <summary>The run whose action made this change, if a rule made it.</summary>
    private async Task<AutomationRun?> ParentAsync(SealedEntry entry, CancellationToken cancellationToken) =>
        entry.ActorKind == AuditActorKinds.Automation && entry.RequestId is { } request && request.StartsWith(RunPrefix, StringComparison.Ordinal)
        && Guid.TryParseExact(request[RunPrefix.Length..], "N", out var runId)
            ? await db.Set<AutomationRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
            : null;

    /// <summary>
    /// Evaluates the rule on one record and adds its run to the log, with the actions a match
    /// queues; the caller saves. Null when the trigger did not fire (a field-changed trigger the
    /// change did not touch): not a run of the rule. A change, a date reached and a schedule all come
    /// here. With <paramref name="matchesOnly"/> (a schedule, which visits every record of the module
    /// each day) a record the conditions leave out is no run either: the log holds what the rule did.
    /// </summary>
    /// <remarks>The record is named by its key as the audit trail writes it: "12", or a user's GUID (ADR 0050).</remarks>
    public async Task<AutomationRun?> RecordRunAsync(
        AutomationRule rule, string trigger, long? auditEntryId, string recordKey, string label, string changes, AutomationRun? parent, CancellationToken cancellationToken,
        bool matchesOnly = false)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow().UtcDateTime;
        var link = $"{rule.Id:N}/{rule.Module}/{recordKey}";
        var recordId = int.TryParse(recordKey, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        var run = new AutomationRun
        {
            Id = Guid.CreateVersion7(),
            RuleId = rule.Id,
            RuleVersion = rule.Version,
            AuditEntryId = auditEntryId,
            Module = rule.Module,
            RecordId = recordId,
            RecordKey = recordId == 0 ? recordKey : null,
            RecordLabel = AuditNames.Bound(label, 300),
            Trigger = trigger,
            At = now,
            Depth = parent is null ? 0 : parent.Depth + 1,
            Chain = AuditNames.Bound(parent is null ? link : $"{parent.Chain} {link}", 1000),
            Steps = RuleDefinition.Write(new RunSteps($"The record was {trigger}.", true, [])),
        };
        // A cut is logged only for a rule the change would have fired: other rules see nothing, as ever.
        var cut = parent is not null && (parent.Chain.Split(' ').Contains(link) || run.Depth >= MaxDepth);
        if (cut && !RuleEvaluation.Fires(rule, ChangeFacts.FromAudit(trigger, changes, new HashSet<string>()), out _))
        {
            return null;
        }

        if (parent is not null && parent.Chain.Split(' ').Contains(link))
        {
            run.Error = $"Loop cut: this rule already ran on {rule.Module} {recordKey} earlier in the same chain of automatic changes.";
        }
        else if (run.Depth >= MaxDepth)
        {
            run.Error = $"Loop cut: {MaxDepth} automatic changes in a row; a rule does not react to a fourth.";
        }
        else
        {
            var verdict = await evaluate.RunAsync(rule, trigger, recordKey, label, changes, cancellationToken);
            if (verdict.AutomationUser is null)
            {
                // The rule cannot act any more: it stops and says why, rather than logging the same failure on every change.
                rule.IsEnabled = false;
                rule.StoppedReason = verdict.Evaluation.Explanation;
                run.Error = verdict.Evaluation.Explanation;
            }
            else if (!verdict.Evaluation.Fired || (matchesOnly && !verdict.Evaluation.Matched))
            {
                return null;
            }

            run.Matched = verdict.Evaluation.Matched;
            run.Steps = RuleDefinition.Write(new RunSteps(verdict.Evaluation.Explanation, verdict.Evaluation.Visible, verdict.Evaluation.Conditions));
            foreach (var action in verdict.Actions)
            {
                db.Set<AutomationActionRun>().Add(new AutomationActionRun
                {
                    Id = Guid.CreateVersion7(),
                    RunId = run.Id,
                    RuleId = rule.Id,
                    Position = action.Position,
                    Kind = action.Kind,
                    Plan = RuleDefinition.Write(action),
                    Status = AutomationActionStatus.Pending,
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }
        }

        run.DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        db.Set<AutomationRun>().Add(run);
        return run;
    }
}

/// <summary>What a run log shows of the evaluation: the trigger in words, whether the record was visible, each condition.</summary>
public sealed record RunSteps(string Trigger, bool Visible, IReadOnlyList<ConditionOutcome> Conditions);
