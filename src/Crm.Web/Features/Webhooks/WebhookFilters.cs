using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Automation;
using Crm.Web.Features.CustomFields;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// One condition of an endpoint's filter: a field of <paramref name="Module"/> (as the API names it,
/// <c>status</c>, or a custom field as <c>customFields.key</c>) compared by <paramref name="Operator"/>
/// with <paramref name="Value"/> (or <paramref name="Values"/> for in-list).
/// </summary>
public sealed record WebhookCondition(string? Module, string? Field, string? Operator, string? Value = null, IReadOnlyList<string>? Values = null);

/// <summary>
/// The optional field-value filter of an endpoint (ADR 0044): conditions per module, every one of a
/// module's must hold for its events to be sent; a module without conditions sends all its events.
/// Checked and tested with the automation conditions' own code (<see cref="SaveAutomationRule.CheckOperatorAndValue"/>,
/// <see cref="RuleEvaluation.Test"/>), on the record as the endpoint's integration user reads it: a
/// field hidden from that user, or an admin-only custom field, is refused on save; one hidden later
/// lets no event through (its value never decides).
/// </summary>
public sealed class WebhookFilters(CrmDb db, IServiceProvider services, RecordAccess access, IOptions<JsonOptions> json)
{
    public const int MaxConditions = 20;
    public const int MaxLength = 20000;
    public const string CustomPrefix = CustomFieldValues.Prefix + ".";

    /// <summary>The automation operators that compare values (not changes, not dates from today): the ones a filter may use.</summary>
    public static readonly IReadOnlyList<string> Operators =
    [
        ConditionOperators.EqualTo, ConditionOperators.NotEqualTo, ConditionOperators.InList, ConditionOperators.IsEmpty,
        ConditionOperators.IsNotEmpty, ConditionOperators.GreaterThan, ConditionOperators.LessThan,
    ];

    private static readonly JsonSerializerOptions s_json = RuleDefinition.Json;

    private readonly Dictionary<(Guid, string), IReadOnlySet<string>> _hidden = [];

    public static IReadOnlyList<WebhookCondition> Parse(string? filter) =>
        string.IsNullOrEmpty(filter) ? [] : JsonSerializer.Deserialize<List<WebhookCondition>>(filter, s_json) ?? [];

    public static string? Write(IReadOnlyList<WebhookCondition> conditions) => conditions.Count == 0 ? null : JsonSerializer.Serialize(conditions, s_json);

    /// <summary>The operators a field of this kind may be filtered with.</summary>
    public static IReadOnlyList<string> OperatorsFor(FieldKind kind) => [.. ConditionOperators.For(kind).Where(Operators.Contains)];

    /// <summary>
    /// The fields a filter on <paramref name="module"/> may name: the module's own and its custom fields but
    /// the admin-only ones; with <paramref name="actor"/>, only those that user may see.
    /// </summary>
    public async Task<IReadOnlyList<RecordField>> FieldsAsync(string module, Actor? actor, CancellationToken cancellationToken)
    {
        var fields = ReadableModules.Find(module) is { } readable ? RecordFields.Of(readable) : [];
        var custom = await db.Set<CustomField>().AsNoTracking().Where(f => f.Module == module && !f.AdminOnly)
            .OrderBy(f => f.Position).ThenBy(f => f.Id).Select(f => new { f.Key, f.Label, f.Type }).ToListAsync(cancellationToken);
        var all = fields.Concat(custom.Select(f => new RecordField(CustomPrefix + f.Key, f.Label, KindOf(f.Type)))).ToList();
        if (actor is null)
        {
            return all;
        }

        var hidden = await HiddenAsync(actor, module, cancellationToken);
        return [.. all.Where(f => !hidden.Contains(Unprefixed(f.Name)))];
    }

    /// <summary>
    /// Checks the conditions against the endpoint's chosen modules and its integration user (null when the
    /// user is not valid: their own message says so); each problem under <c>filter[i].part</c>.
    /// </summary>
    public async Task<List<WebhookCondition>> CheckAsync(
        FieldErrors errors, IReadOnlyList<WebhookCondition>? given, IReadOnlyList<string> modules, Actor? user, CancellationToken cancellationToken)
    {
        var conditions = (given ?? []).ToList();
        if (conditions.Count > MaxConditions)
        {
            errors.Add("filter", $"A filter has at most {MaxConditions} conditions.");
            return conditions;
        }

        for (var i = 0; i < conditions.Count; i++)
        {
            var key = $"filter[{i}]";
            var condition = conditions[i] ?? new WebhookCondition(null, null, null);
            if (condition.Module is not { } module || !WebhookCatalog.Modules.Any(m => m.Key == module))
            {
                errors.Add(key + ".module", "Choose the module the condition is about: one of the endpoint's modules.");
                continue;
            }

            if (!modules.Contains(module))
            {
                errors.Add(key + ".module", $"The endpoint does not send {module}: choose one of its modules ({string.Join(", ", modules)}).");
                continue;
            }

            var name = condition.Field?.Trim() ?? "";
            var known = await FieldsAsync(module, null, cancellationToken);
            var field = known.FirstOrDefault(f => f.Name == name);
            if (field is null)
            {
                var adminOnly = name.StartsWith(CustomPrefix, StringComparison.Ordinal)
                    && await db.Set<CustomField>().AnyAsync(f => f.Module == module && f.Key == name.Substring(CustomPrefix.Length) && f.AdminOnly, cancellationToken);
                errors.Add(key + ".field", adminOnly
                    ? $"{Shown(name)} is an admin-only field: a webhook filter cannot decide on it, since no payload may carry it."
                    : $"\"{Shown(name)}\" is not a field of {module}; use one of: {string.Join(", ", known.Select(f => f.Name))}.");
                continue;
            }

            if (user is not null && (await HiddenAsync(user, module, cancellationToken)).Contains(Unprefixed(field.Name)))
            {
                errors.Add(key + ".field", $"{field.Label} is hidden from the integration user's role: a filter cannot decide on a field the payloads leave out.");
                continue;
            }

            var allowed = OperatorsFor(field.Kind);
            if (condition.Operator is { } op && ConditionOperators.All.Contains(op) && !allowed.Contains(op))
            {
                errors.Add(key + ".operator", $"A filter compares the record's values: use one of {string.Join(", ", allowed)} for {field.Label}.");
                continue;
            }

            SaveAutomationRule.CheckOperatorAndValue(errors, key, new RuleCondition(name, condition.Operator, condition.Value, condition.Values), field, allowed);
            conditions[i] = condition with
            {
                Field = name,
                Value = ConditionOperators.TakesNoValue(condition.Operator ?? "") || condition.Operator == ConditionOperators.InList ? null : condition.Value?.Trim(),
                Values = condition.Operator == ConditionOperators.InList ? [.. (condition.Values ?? []).Select(v => v.Trim())] : null,
            };
        }

        return conditions;
    }

    /// <summary>
    /// Whether the event passes the filter's conditions on <paramref name="module"/>: tested on the record as
    /// <paramref name="actor"/> reads it (<paramref name="read"/>), or for a deletion on the last values the
    /// delete entry holds (<paramref name="deleted"/>). A condition on a field the actor may not see fails.
    /// </summary>
    public async Task<bool> PassesAsync(
        Actor actor, string module, int id, string action, IReadOnlyList<WebhookCondition> conditions, ReadRecord? read, JsonObject? deleted, CancellationToken cancellationToken)
    {
        var mine = conditions.Where(c => c.Module == module).ToList();
        if (mine.Count == 0)
        {
            return true;
        }

        if (ReadableModules.Find(module) is not { } readable)
        {
            return false;
        }

        var hidden = await HiddenAsync(actor, module, cancellationToken);
        if (mine.Any(c => hidden.Contains(Unprefixed(c.Field ?? ""))))
        {
            return false;
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (read is not null)
        {
            var node = JsonSerializer.SerializeToNode(read.Details, read.Details.GetType(), json.Value.SerializerOptions) as JsonObject ?? [];
            foreach (var field in RecordFields.Of(readable))
            {
                values[field.Name] = RecordValues.Text(node[field.Name]);
            }
        }
        else
        {
            foreach (var field in RecordFields.Of(readable))
            {
                values[field.Name] = RecordValues.Text(deleted?[field.Name]?["old"]);
            }
        }

        if (mine.Any(c => c.Field?.StartsWith(CustomPrefix, StringComparison.Ordinal) == true) && services.GetService<IRecordCustomFields>() is { } custom)
        {
            // The values the actor may see; a field absent from them is one the actor may not see.
            foreach (var (key, value) in await custom.ReadAsync(actor, module, id, cancellationToken))
            {
                values[CustomPrefix + key] = RecordValues.Text(value);
            }
        }

        var record = new RecordValues(id, "", values);
        var change = new ChangeFacts(action, new Dictionary<string, (string?, string?)>());
        return mine.All(c => values.ContainsKey(c.Field ?? "")
            && RuleEvaluation.Test(1, new RuleCondition(c.Field, c.Operator, c.Value, c.Values), change, record, DateOnly.MinValue).Held);
    }

    private async Task<IReadOnlySet<string>> HiddenAsync(Actor actor, string module, CancellationToken cancellationToken)
    {
        if (!_hidden.TryGetValue((actor.UserId ?? Guid.Empty, module), out var hidden))
        {
            hidden = (await access.FieldsAsync(actor, module, cancellationToken)).Hidden;
            _hidden[(actor.UserId ?? Guid.Empty, module)] = hidden;
        }

        return hidden;
    }

    /// <summary>The name field rules use: a custom field's key without <c>customFields.</c>.</summary>
    private static string Unprefixed(string name) => name.StartsWith(CustomPrefix, StringComparison.Ordinal) ? name[CustomPrefix.Length..] : name;

    private static FieldKind KindOf(string type) => type switch
    {
        CustomFieldTypes.Number or CustomFieldTypes.Money => FieldKind.Number,
        CustomFieldTypes.Date or CustomFieldTypes.DateTime => FieldKind.Date,
        CustomFieldTypes.Checkbox => FieldKind.YesNo,
        _ => FieldKind.Text,
    };

    private static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
