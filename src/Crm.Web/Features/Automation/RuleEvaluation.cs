using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Features.Automation;

/// <summary>
/// A record's field values as the automation user reads them (field → text; a hidden field is null).
/// <see cref="Key"/> is set for a record not keyed by a whole number (a user's GUID; <see cref="Id"/> is 0 then).
/// </summary>
public sealed record RecordValues(int Id, string Label, IReadOnlyDictionary<string, string?> Values, string? Key = null)
{
    public string? this[string field] => Values.GetValueOrDefault(field);

    /// <summary>The values of <paramref name="details"/> (what the module's read use case answered), serialised as the API does.</summary>
    public static RecordValues Of(int id, string label, object details, IReadOnlyList<RecordField> fields, JsonSerializerOptions json, string? key = null)
    {
        var node = JsonSerializer.SerializeToNode(details, details.GetType(), json) as JsonObject ?? [];
        return new RecordValues(id, label, fields.ToDictionary(f => f.Name, f => Text(node[f.Name])), key);
    }

    /// <summary>A JSON value as text: strings as they are, numbers and booleans in invariant form, null as null.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}

/// <summary>
/// The change that fired: created, updated or deleted, with each changed field's old and new value
/// (fields the automation user may not see left out); <see cref="Audited"/> is the audit trail's own
/// word for it (a transfer is an update with its own name).
/// </summary>
public sealed record ChangeFacts(string Action, IReadOnlyDictionary<string, (string? Old, string? New)> Changes, string? Audited = null)
{
    /// <summary>The audit entry's action and changes, without <paramref name="hidden"/> fields; restores count as creations and transfers as updates.</summary>
    public static ChangeFacts FromAudit(string action, string changesJson, IReadOnlySet<string> hidden)
    {
        var changes = JsonNode.Parse(changesJson) as JsonObject ?? [];
        var kind = action switch
        {
            Audit.AuditActions.Restored => AutomationTriggers.Created,
            Audit.AuditActions.Transferred => AutomationTriggers.Updated,
            _ => action,
        };
        return new ChangeFacts(kind, changes.Where(c => !hidden.Contains(c.Key))
            .ToDictionary(c => c.Key, c => (RecordValues.Text(c.Value?["old"]), RecordValues.Text(c.Value?["new"]))), action);
    }
}

/// <summary>One condition's outcome: what was compared with what, and whether it held.</summary>
public sealed record ConditionOutcome(int Group, string Field, string Operator, string? Expected, string? Actual, bool Held);

/// <summary>Whether the trigger fired, whether the automation user may see the record, each condition's outcome, and the verdict.</summary>
public sealed record Evaluation(bool Fired, string Explanation, bool Visible, IReadOnlyList<ConditionOutcome> Conditions, bool Matched);

/// <summary>
/// The one evaluation of a rule against a change and a record: the background engine and "Try on
/// record" both call it, so what a try shows is what a run does. It compares values only, with
/// the closed operator set: no user-supplied code is ever evaluated.
/// </summary>
public static class RuleEvaluation
{
    public static Evaluation Evaluate(AutomationRule rule, ChangeFacts change, RecordValues? record, DateOnly today)
    {
        if (!Fires(rule, change, out var why))
        {
            return new Evaluation(false, why, record is not null, [], false);
        }

        if (record is null)
        {
            return new Evaluation(true, "The automation user may not see this record, so the rule does not match.", false, [], false);
        }

        var conditions = RuleDefinition.ConditionsOf(rule);
        var outcomes = new List<ConditionOutcome>();
        var groups = conditions.Groups ?? [];
        var groupResults = new List<bool>();
        for (var g = 0; g < groups.Count; g++)
        {
            var results = new List<bool>();
            foreach (var condition in groups[g].Conditions ?? [])
            {
                var outcome = Test(g + 1, condition, change, record, today);
                outcomes.Add(outcome);
                results.Add(outcome.Held);
            }

            groupResults.Add(groups[g].Match == Matches.Any ? results.Any(r => r) : results.All(r => r));
        }

        var matched = groupResults.Count == 0 || (conditions.Match == Matches.Any ? groupResults.Any(r => r) : groupResults.All(r => r));
        return new Evaluation(true, why, true, outcomes, matched);
    }

    /// <summary>Whether the change is the rule's trigger, and in words why (not).</summary>
    public static bool Fires(AutomationRule rule, ChangeFacts change, out string why)
    {
        if (rule.Trigger == AutomationTriggers.Event)
        {
            var named = ModuleEvents.Find(rule.Module, rule.TriggerField);
            var happened = named is not null && change.Action == AutomationTriggers.Updated && named.Happened(change);
            why = named is null ? $"The rule waits for the event {rule.TriggerField}, which {rule.Module} do not have."
                : happened ? $"The event happened: {named.Label}."
                : $"The change was not the event the rule waits for ({named.Label}).";
            return happened;
        }

        if (rule.Trigger != change.Action)
        {
            why = $"The record was {change.Action}; the rule fires when one is {rule.Trigger}.";
            return false;
        }

        if (rule.Trigger == AutomationTriggers.Schedule)
        {
            why = $"The rule runs {ScheduleTriggers.Describe(rule.TriggerTime)} over the records of {rule.Module} that match.";
            return true;
        }

        if (rule.Trigger == AutomationTriggers.DateReached)
        {
            why = DateTriggers.Find(rule.Module, rule.TriggerField) is { } date
                ? $"The rule is due {DateTriggers.Describe(date, rule.TriggerOffsetDays ?? 0, rule.TriggerOffsetHours ?? 0)} of this record."
                : $"The rule waits for {rule.TriggerField}, which is not a date rules can be timed on.";
            return true;
        }

        if (rule.Trigger != AutomationTriggers.Updated || rule.TriggerField is not { } field)
        {
            why = $"The record was {change.Action}.";
            return true;
        }

        if (!change.Changes.TryGetValue(field, out var changed))
        {
            why = $"The change did not touch {field}.";
            return false;
        }

        if (rule.TriggerValue is { } value && !Same(changed.New, value))
        {
            why = $"{field} changed to \"{changed.New}\", not to \"{value}\".";
            return false;
        }

        why = $"{field} changed from \"{changed.Old}\" to \"{changed.New}\".";
        return true;
    }

    /// <summary>One condition against the change and the record; the webhook filters test theirs here too.</summary>
    public static ConditionOutcome Test(int group, RuleCondition condition, ChangeFacts change, RecordValues record, DateOnly today)
    {
        var field = condition.Field ?? "";
        var op = condition.Operator ?? "";
        var actual = record[field];
        var changed = change.Action == AutomationTriggers.Created
            ? (Changed: !IsEmpty(actual), New: actual)
            : change.Changes.TryGetValue(field, out var c) ? (Changed: true, c.New) : (Changed: false, New: (string?)null);
        var expected = op == ConditionOperators.InList ? string.Join(", ", condition.Values ?? []) : condition.Value;
        var held = op switch
        {
            ConditionOperators.EqualTo => Same(actual, condition.Value),
            ConditionOperators.NotEqualTo => !Same(actual, condition.Value),
            ConditionOperators.Contains => actual is not null && condition.Value is not null && actual.Contains(condition.Value, StringComparison.OrdinalIgnoreCase),
            ConditionOperators.IsEmpty => IsEmpty(actual),
            ConditionOperators.IsNotEmpty => !IsEmpty(actual),
            ConditionOperators.GreaterThan => Number(actual) is { } a && Number(condition.Value) is { } b && a > b,
            ConditionOperators.LessThan => Number(actual) is { } a && Number(condition.Value) is { } b && a < b,
            ConditionOperators.InList => (condition.Values ?? []).Any(v => Same(actual, v)),
            ConditionOperators.Changed => changed.Changed,
            ConditionOperators.ChangedTo => changed.Changed && Same(changed.New, condition.Value),
            ConditionOperators.Before => Date(actual) is { } d && int.TryParse(condition.Value, CultureInfo.InvariantCulture, out var n) && d < today.AddDays(n),
            ConditionOperators.After => Date(actual) is { } d && int.TryParse(condition.Value, CultureInfo.InvariantCulture, out var n) && d > today.AddDays(n),
            _ => false,
        };
        if (op is ConditionOperators.Changed or ConditionOperators.ChangedTo)
        {
            actual = changed.Changed ? $"changed to {changed.New ?? "(empty)"}" : "not changed";
        }
        else if (op is ConditionOperators.Before or ConditionOperators.After && int.TryParse(condition.Value, CultureInfo.InvariantCulture, out var days))
        {
            expected = $"{condition.Value} days from today ({today.AddDays(days):yyyy-MM-dd})";
        }

        return new ConditionOutcome(group, field, op, expected, actual, held);
    }

    /// <summary>Equal as numbers when both are numbers, else as text ignoring case ("Web" is "web").</summary>
    public static bool Same(string? actual, string? expected)
    {
        if (IsEmpty(actual) || IsEmpty(expected))
        {
            return IsEmpty(actual) && IsEmpty(expected);
        }

        return Number(actual) is { } a && Number(expected) is { } b ? a == b : string.Equals(actual!.Trim(), expected!.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsEmpty(string? value) => string.IsNullOrWhiteSpace(value);

    private static decimal? Number(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static DateOnly? Date(string? value) =>
        value is null ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? DateOnly.FromDateTime(at)
        : null;
}
