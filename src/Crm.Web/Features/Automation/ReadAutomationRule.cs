using System.Text.Json;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

public sealed record AutomationRuleDetails(
    Guid Id, string Name, string Module, string Trigger, string? TriggerField, string? TriggerValue,
    RuleConditions Conditions, IReadOnlyList<RuleAction> Actions, bool Enabled, string? StoppedReason,
    Guid? OwnerId, string? OwnerName, Guid AutomationUserId, string AutomationUserName, int Version, DateTime CreatedAt, DateTime ModifiedAt,
    int? TriggerOffsetDays, int? TriggerOffsetHours = null, string? TriggerTime = null)
{
    public AutomationRuleInput ToInput() =>
        new(Name, Module, Trigger, TriggerField, TriggerValue, Conditions, Actions, Enabled, AutomationUserId, OwnerId, Version, TriggerOffsetDays, TriggerOffsetHours, TriggerTime);

    /// <summary>The trigger in words: "a record of deals is updated, and stage changed to \"won\"", "7 days before Expected close of a record of deals", "Every day at 08:00…".</summary>
    public string TriggerText() => Trigger == AutomationTriggers.Schedule
        ? $"Every day at {TriggerTime} in the organisation's time zone, over the records of {Module} that match"
        : Trigger == AutomationTriggers.Event
        ? $"When {(ModuleEvents.Find(Module, TriggerField) is { } named ? named.Label : $"the event {TriggerField} of {Module} happens")}"
        : Trigger == AutomationTriggers.DateReached
        ? $"{(DateTriggers.Find(Module, TriggerField) is { } date ? DateTriggers.Describe(date, TriggerOffsetDays ?? 0, TriggerOffsetHours ?? 0) : $"a date ({TriggerField})")} of a record of {Module}"
        : $"{(AutomationModules.Find(Module) is { WholeNumberIds: false } ? "A user" : $"A record of {Module}")} is {Trigger}{(TriggerField is { } f ? $", and {f} changed" : "")}{(TriggerValue is { } v ? $" to \"{v}\"" : "")}";
}

/// <summary>One action of a run as the log shows it: what it was to do, and what came of it so far.</summary>
public sealed record ActionLogEntry(int Position, string Kind, string Summary, string Status, int Attempts, string? Outcome, string? LastError, DateTime? NextAttemptAt);

/// <summary>One run of a rule: the change that fired it, each condition's outcome, the actions, errors and time taken.</summary>
public sealed record RunLogEntry(
    Guid Id, DateTime At, int RuleVersion, string Trigger, string Module, int RecordId, string RecordLabel, bool Matched,
    RunSteps Steps, int DurationMs, string? Error, int Depth, IReadOnlyList<ActionLogEntry> Actions, string? RecordKey = null)
{
    /// <summary>Where the record's page is: a CRM record's, or a user's in the administration (ADR 0050).</summary>
    public string Link => AutomationModules.Find(Module)?.LinkTo(RecordKey ?? RecordId.ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? $"/{Module}/{RecordId}";
}

/// <summary>One rule, and its run log newest first (administrators only).</summary>
public sealed class ReadAutomationRule(CrmDb db)
{
    public const int RunsShown = 50;

    public async Task<Result<AutomationRuleDetails>> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<AutomationRuleDetails>.Forbidden("Only an administrator can see automation rules.");
        }

        var rule = await db.Set<AutomationRule>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return rule is null ? Result<AutomationRuleDetails>.NotFound() : Result<AutomationRuleDetails>.Ok(await DetailsAsync(rule, cancellationToken));
    }

    public async Task<Result<IReadOnlyList<RunLogEntry>>> RunsAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<RunLogEntry>>.Forbidden("Only an administrator can see automation rules.");
        }

        if (!await db.Set<AutomationRule>().AnyAsync(r => r.Id == id, cancellationToken))
        {
            return Result<IReadOnlyList<RunLogEntry>>.NotFound();
        }

        var runs = await db.Set<AutomationRun>().AsNoTracking().Where(r => r.RuleId == id)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(RunsShown).ToListAsync(cancellationToken);
        var runIds = runs.Select(r => r.Id).ToList();
        var actions = (await db.Set<AutomationActionRun>().AsNoTracking().Where(a => runIds.Contains(a.RunId)).ToListAsync(cancellationToken))
            .ToLookup(a => a.RunId);
        return Result<IReadOnlyList<RunLogEntry>>.Ok([.. runs.Select(r => new RunLogEntry(
            r.Id, r.At, r.RuleVersion, r.Trigger, r.Module, r.RecordId, r.RecordLabel, r.Matched,
            JsonSerializer.Deserialize<RunSteps>(r.Steps, RuleDefinition.Json) ?? new RunSteps("", false, []),
            r.DurationMs, r.Error, r.Depth,
            [.. actions[r.Id].OrderBy(a => a.Position).Select(a => new ActionLogEntry(a.Position, a.Kind,
                JsonSerializer.Deserialize<PlannedAction>(a.Plan, RuleDefinition.Json)?.Summary ?? "", a.Status.ToString().ToLowerInvariant(),
                a.Attempts, a.Outcome, a.LastError, a.Status == AutomationActionStatus.Pending ? a.NextAttemptAt : null))], r.RecordKey))]);
    }

    internal async Task<AutomationRuleDetails> DetailsAsync(AutomationRule rule, CancellationToken cancellationToken)
    {
        var names = await db.Users.Where(u => u.Id == rule.OwnerId || u.Id == rule.AutomationUserId).ToDictionaryAsync(u => u.Id, u => u.FullName, cancellationToken);
        return new AutomationRuleDetails(rule.Id, rule.Name, rule.Module, rule.Trigger, rule.TriggerField, rule.TriggerValue,
            RuleDefinition.ConditionsOf(rule), RuleDefinition.ActionsOf(rule), rule.IsEnabled, rule.StoppedReason,
            rule.OwnerId, rule.OwnerId is { } owner ? names.GetValueOrDefault(owner) : null,
            rule.AutomationUserId, names.GetValueOrDefault(rule.AutomationUserId, ""), rule.Version, rule.CreatedAt, rule.ModifiedAt,
            rule.TriggerOffsetDays, rule.TriggerOffsetHours, rule.TriggerTime?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed record AutomationRuleSummary(
    Guid Id, string Name, string Module, string Trigger, string? TriggerField, bool Enabled, string? StoppedReason, string AutomationUserName, int Version,
    DateTime? LastRunAt, int FailedActions, TimeOnly? TriggerTime = null)
{
    /// <summary>The trigger as the list shows it: "schedule 08:00", "updated (stage)", "event (deactivated)".</summary>
    public string TriggerShown => TriggerTime is { } time ? $"{Trigger} {time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)}"
        : TriggerField is { } watched ? $"{Trigger} ({watched})" : Trigger;
}

/// <summary>Every rule, by module and name, with when it last ran and how many of its actions failed for good.</summary>
public sealed class ListAutomationRules(CrmDb db)
{
    public async Task<Result<IReadOnlyList<AutomationRuleSummary>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<AutomationRuleSummary>>.Forbidden("Only an administrator can see automation rules.");
        }

        var rules = await db.Set<AutomationRule>().AsNoTracking().OrderBy(r => r.Module).ThenBy(r => r.Name)
            .Select(r => new AutomationRuleSummary(r.Id, r.Name, r.Module, r.Trigger, r.TriggerField, r.IsEnabled, r.StoppedReason,
                db.Users.Where(u => u.Id == r.AutomationUserId).Select(u => u.FullName).FirstOrDefault() ?? "",
                r.Version,
                db.Set<AutomationRun>().Where(x => x.RuleId == r.Id).Max(x => (DateTime?)x.At),
                db.Set<AutomationActionRun>().Count(a => a.RuleId == r.Id && a.Status == AutomationActionStatus.Failed),
                r.TriggerTime))
            .ToListAsync(cancellationToken);
        return Result<IReadOnlyList<AutomationRuleSummary>>.Ok(rules);
    }
}

/// <summary>Removes a rule with its run log; queued actions not yet done are dropped with it.</summary>
public sealed class DeleteAutomationRule(CrmDb db)
{
    public async Task<Result> RunAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only an administrator can delete automation rules.");
        }

        var rule = await db.Set<AutomationRule>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Result.NotFound();
        }

        db.Set<AutomationRule>().Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
