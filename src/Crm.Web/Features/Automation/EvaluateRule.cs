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
public sealed class EvaluateRule(CrmDb db, IServiceProvider services, RecordAccess access, PlanActions plan, OrganisationCalendar calendar, IOptions<JsonOptions> json)
{
    public async Task<RuleVerdict> RunAsync(AutomationRule rule, string action, int recordId, string label, string changes, CancellationToken cancellationToken)
    {
        if (await ActorAsync(rule, cancellationToken) is not { } actor)
        {
            return new RuleVerdict(new Evaluation(false, AutomationUserInactive, false, [], false), null, [], null);
        }

        if (ReadableModules.Find(rule.Module) is not { } module)
        {
            return new RuleVerdict(new Evaluation(false, $"The module \"{rule.Module}\" cannot be read by rules.", false, [], false), null, [], actor);
        }

        var fields = RecordFields.Of(module);
        var hidden = (await access.FieldsAsync(actor, module.Key, cancellationToken)).Hidden;
        var change = ChangeFacts.FromAudit(action, changes, hidden);
        RecordValues? record = null;
        if (change.Action == AutomationTriggers.Deleted)
        {
            // The record is gone: its last state is the delete entry's, if the user could have seen it.
            if (await access.CouldViewDeletedAsync(actor, module.Key, recordId, System.Text.Json.Nodes.JsonNode.Parse(changes) as System.Text.Json.Nodes.JsonObject ?? [], cancellationToken))
            {
                record = new RecordValues(recordId, label, fields.ToDictionary(f => f.Name, f => hidden.Contains(f.Name) ? null : change.Changes.GetValueOrDefault(f.Name).Old));
            }
        }
        else if (await module.Read(services, actor, recordId, cancellationToken) is { } read)
        {
            var values = RecordValues.Of(recordId, label, read.Details, fields, json.Value.SerializerOptions);
            record = values with { Values = values.Values.ToDictionary(v => v.Key, v => hidden.Contains(v.Key) ? null : v.Value) };
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
