using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Automation;

/// <summary>A rule's verdict on one change: the evaluation, the record as read, and what the actions would do (none unless it matched).</summary>
public sealed record RuleVerdict(Evaluation Evaluation, RecordValues? Record, IReadOnlyList<PlannedAction> Actions, Actor? AutomationUser);

/// <summary>
/// Evaluates a rule against one change of one record, as the rule's automation user: the record is
/// read through its module's read use case (a record that user cannot see does not match; fields
/// their role hides read as empty and count as unchanged), then <see cref="RuleEvaluation"/> decides
/// and <see cref="PlanActions"/> says what the actions would do. The engine and "Try on record"
/// both come here.
/// </summary>
public sealed class EvaluateRule(CrmDb db, IServiceProvider services, RecordAccess access, RuleFields ruleFields, PlanActions plan, OrganisationCalendar calendar, IOptions<JsonOptions> json)
{
    public Task<RuleVerdict> RunAsync(AutomationRule rule, string action, int recordId, string label, string changes, CancellationToken cancellationToken) =>
        RunAsync(rule, action, recordId.ToString(CultureInfo.InvariantCulture), label, changes, cancellationToken);

    /// <summary>The same for a record named by its key as the audit trail writes it: "12", or a user's GUID (ADR 0050).</summary>
    public async Task<RuleVerdict> RunAsync(AutomationRule rule, string action, string recordKey, string label, string changes, CancellationToken cancellationToken)
    {
        if (await ActorAsync(rule, cancellationToken) is not { } actor)
        {
            return new RuleVerdict(new Evaluation(false, AutomationUserInactive, false, [], false), null, [], null);
        }

        if (AutomationModules.Find(rule.Module) is not { } module || module.KeyOf(recordKey) is not { } key)
        {
            return new RuleVerdict(new Evaluation(false, $"The module \"{rule.Module}\" cannot be read by rules.", false, [], false), null, [], actor);
        }

        var fields = module.Fields;
        var id = module.WholeNumberIds ? int.Parse(key, CultureInfo.InvariantCulture) : 0;
        // The record's custom fields the automation user may see (none for a deleted record); the others count as unchanged.
        var custom = action == AutomationTriggers.Deleted ? new Dictionary<string, string?>() : await ruleFields.ValuesAsync(module, actor, id, cancellationToken);
        // Field rules are a CRM record's; a user's account has none (only administrators see it at all).
        var hidden = module.WholeNumberIds ? (await access.FieldsAsync(actor, module.Key, cancellationToken)).Hidden : new HashSet<string>();
        var change = ChangeFacts.FromAudit(action, changes, hidden.Concat(RuleFields.HiddenIn(changes, custom)).ToHashSet());
        var shownKey = module.WholeNumberIds ? null : key;
        RecordValues? record = null;
        if (change.Action == AutomationTriggers.Deleted)
        {
            // The record is gone: its last state is the delete entry's, if the user could have seen it (rules on users take no deletions).
            if (module.WholeNumberIds && await access.CouldViewDeletedAsync(actor, module.Key, id, System.Text.Json.Nodes.JsonNode.Parse(changes) as System.Text.Json.Nodes.JsonObject ?? [], cancellationToken))
            {
                record = new RecordValues(id, label, fields.ToDictionary(f => f.Name, f => hidden.Contains(f.Name) ? null : change.Changes.GetValueOrDefault(f.Name).Old));
            }
        }
        else if (await module.Read(services, actor, key, cancellationToken) is { } details)
        {
            var values = RecordValues.Of(id, label, details, fields, json.Value.SerializerOptions, shownKey);
            record = values with { Values = values.Values.ToDictionary(v => v.Key, v => hidden.Contains(v.Key) ? null : v.Value).Concat(custom).ToDictionary() };
        }

        var evaluation = RuleEvaluation.Evaluate(rule, change, record, await calendar.TodayAsync(cancellationToken));
        var actions = evaluation.Matched && record is not null ? await plan.RunAsync(rule, record, cancellationToken) : [];
        return new RuleVerdict(evaluation, record, actions, actor);
    }

    /// <summary>The rule's automation user as the actor it reads and changes records as; null when that user is deactivated or gone.</summary>
    public async Task<Actor?> ActorAsync(AutomationRule rule, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == rule.AutomationUserId)
            .Select(u => new { u.Id, u.FullName, u.IsActive, u.IsAdministrator }).FirstOrDefaultAsync(cancellationToken);
        return user is { IsActive: true } ? new Actor(ActorKind.Automation, user.Id, user.IsAdministrator, $"{user.FullName} (rule \"{rule.Name}\")") : null;
    }

    public const string AutomationUserInactive = "The rule's automation user is deactivated, so the rule does nothing. Choose an active automation user.";
}
