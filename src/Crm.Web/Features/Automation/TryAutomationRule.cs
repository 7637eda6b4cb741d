using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>What a try showed: which change it used, the evaluation step by step, the values read, and what the actions would do.</summary>
public sealed record TryOutcome(string TriedAgainst, Evaluation Evaluation, IReadOnlyDictionary<string, string?>? Values, IReadOnlyList<PlannedAction> Actions);

/// <summary>
/// "Try on record": runs the rule's real evaluation (<see cref="EvaluateRule"/>, the code the
/// engine runs) against a chosen record, as the automation user, and shows what would happen
/// without doing any of it. The change tried is the record's latest one of the rule's trigger kind
/// from the audit trail, so "changed" conditions have something to compare; with none, the record
/// is tried as if it had just been created or updated with no field named as changed.
/// </summary>
public sealed class TryAutomationRule(CrmDb db, EvaluateRule evaluate)
{
    /// <summary>Tries the rule on the record <paramref name="recordId"/>, or, for a rule on users, the user <paramref name="userId"/> (ADR 0050).</summary>
    public async Task<Result<TryOutcome>> RunAsync(Actor actor, Guid id, int? recordId, CancellationToken cancellationToken, Guid? userId = null)
    {
        if (!actor.IsAdministrator)
        {
            return Result<TryOutcome>.Forbidden("Only an administrator can try automation rules.");
        }

        var rule = await db.Set<AutomationRule>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Result<TryOutcome>.NotFound();
        }

        var module = AutomationModules.Find(rule.Module);
        if (module is { WholeNumberIds: false })
        {
            if (userId is not { } user || user == Guid.Empty)
            {
                return Result<TryOutcome>.Invalid("userId", "Give the ID of a user to try the rule on (the GUID in the address of their page, /admin/users/…).");
            }

            if (recordId is not null)
            {
                return Result<TryOutcome>.Invalid("recordId", "A rule on users is tried on a user: give userId, not recordId.");
            }

            return Result<TryOutcome>.Ok(await TryAsync(rule, user.ToString(), cancellationToken));
        }

        if (userId is not null)
        {
            return Result<TryOutcome>.Invalid("userId", $"A rule on {rule.Module} is tried on one of its records: give recordId, not userId.");
        }

        if (recordId is not { } record || record <= 0)
        {
            return Result<TryOutcome>.Invalid("recordId", "Give the ID of a record to try the rule on.");
        }

        if (rule.Trigger == AutomationTriggers.Deleted && !await db.AuditEntries.AnyAsync(
            e => e.EntityType == rule.Module && e.EntityId == record.ToString(CultureInfo.InvariantCulture) && e.Action == AuditActions.Deleted, cancellationToken))
        {
            return Result<TryOutcome>.Invalid("recordId", $"A rule fired by deletions is tried on a deleted record: no deletion of {rule.Module} {record} is on record.");
        }

        return Result<TryOutcome>.Ok(await TryAsync(rule, record.ToString(CultureInfo.InvariantCulture), cancellationToken));
    }

    private async Task<TryOutcome> TryAsync(AutomationRule rule, string key, CancellationToken cancellationToken)
    {
        var record = key;
        var module = AutomationModules.Find(rule.Module);
        var entityType = module?.AuditedAs ?? rule.Module;

        string[] actions = rule.Trigger switch
        {
            AutomationTriggers.Created => [AuditActions.Created, AuditActions.Restored],
            AutomationTriggers.Updated or AutomationTriggers.Event => [AuditActions.Updated, AuditActions.Transferred],
            AutomationTriggers.Deleted => [AuditActions.Deleted],
            _ => [], // a date reached or a schedule is no change of the record: it is tried as on the day the rule is due
        };
        // The latest change the engine would have seen: a user's sign-in bookkeeping is skipped as the fan-out skips it.
        var recent = actions.Length == 0 ? [] : await db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityType == entityType && e.EntityId == key && actions.Contains(e.Action))
            .OrderByDescending(e => e.Id).Select(e => new { e.At, e.Action, e.Label, e.Changes }).Take(module is { WholeNumberIds: false } ? 50 : 1).ToListAsync(cancellationToken);
        var entry = recent.FirstOrDefault(e => module?.Sees(e.Action, e.Changes) != false);
        var label = entry?.Label ?? await db.AuditEntries.Where(e => e.EntityType == entityType && e.EntityId == key)
            .OrderByDescending(e => e.Id).Select(e => e.Label).FirstOrDefaultAsync(cancellationToken) ?? $"{rule.Module} {record}";
        var verdict = await evaluate.RunAsync(rule, entry?.Action ?? rule.Trigger, record, label, entry?.Changes ?? "{}", cancellationToken);
        var against = rule.Trigger == AutomationTriggers.Schedule
            ? $"As at the rule's run {ScheduleTriggers.Describe(rule.TriggerTime)}, on {rule.Module} {record} with today's values."
            : rule.Trigger == AutomationTriggers.DateReached
            ? $"As on the day the rule is due for {rule.Module} {record}, with today's values."
            : entry is null
            ? $"As if {rule.Module} {record} had just been {rule.Trigger} (no such change of it is on record)."
            : $"The change of {entry.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: {rule.Module} {record} {entry.Action}.";
        return new TryOutcome(against, verdict.Evaluation, verdict.Record?.Values, verdict.Actions);
    }
}
