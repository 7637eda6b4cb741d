using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Features.Automation;

/// <summary>
/// The rule form of the new and edit pages (<c>_RuleForm.cshtml</c>). Conditions and actions are
/// edited as JSON, in the API's own shape, with the module's fields listed beside them; the use
/// case's messages for a part of them name its place (<c>groups[0].conditions[1].operator</c>).
/// </summary>
public sealed class AutomationRuleForm
{
    [Display(Name = "Name")] public string? Name { get; set; }
    [Display(Name = "Module")] public string? Module { get; set; }
    [Display(Name = "Trigger")] public string? Trigger { get; set; }
    [Display(Name = "Only when this field changed")] public string? TriggerField { get; set; }
    [Display(Name = "…to this value")] public string? TriggerValue { get; set; }
    [Display(Name = "Days from the date")] public int? TriggerOffsetDays { get; set; }
    [Display(Name = "Hours from the date")] public int? TriggerOffsetHours { get; set; }
    [Display(Name = "Time of day")] public string? TriggerTime { get; set; }
    [Display(Name = "Conditions")] public string? Conditions { get; set; }
    [Display(Name = "Actions")] public string? Actions { get; set; }
    [Display(Name = "Automation user")] public string? AutomationUserId { get; set; }
    [Display(Name = "Enabled")] public bool Enabled { get; set; }
    public int? Version { get; set; }

    public static AutomationRuleForm Of(AutomationRuleDetails rule) => new()
    {
        Name = rule.Name, Module = rule.Module, Trigger = rule.Trigger, TriggerField = rule.TriggerField, TriggerValue = rule.TriggerValue, TriggerOffsetDays = rule.TriggerOffsetDays, TriggerOffsetHours = rule.TriggerOffsetHours, TriggerTime = rule.TriggerTime,
        Conditions = JsonSerializer.Serialize(rule.Conditions, s_indented), Actions = JsonSerializer.Serialize(rule.Actions, s_indented),
        AutomationUserId = rule.AutomationUserId.ToString(), Enabled = rule.Enabled, Version = rule.Version,
    };

    private static readonly JsonSerializerOptions s_indented = new(RuleDefinition.Json) { WriteIndented = true };

    /// <summary>The use case's input, or null with messages on the fields whose text is not JSON of the right shape or not a user.</summary>
    public AutomationRuleInput? ToInput(ModelStateDictionary modelState)
    {
        var conditions = Parse<RuleConditions>(modelState, nameof(Conditions), Conditions);
        var actions = Parse<List<RuleAction>>(modelState, nameof(Actions), Actions);
        Guid? user = null;
        if (!string.IsNullOrWhiteSpace(AutomationUserId))
        {
            if (!Guid.TryParse(AutomationUserId, out var parsed))
            {
                modelState.AddModelError("Input.AutomationUserId", "Choose a user from the list.");
                return null;
            }

            user = parsed;
        }

        return modelState.IsValid
            ? new AutomationRuleInput(Name, Module, Trigger, TriggerField, TriggerValue, conditions, actions, Enabled, user, null, Version, TriggerOffsetDays, TriggerOffsetHours, string.IsNullOrWhiteSpace(TriggerTime) ? null : TriggerTime.Trim())
            : null;
    }

    private static T? Parse<T>(ModelStateDictionary modelState, string field, string? json)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, RuleDefinition.Json);
        }
        catch (JsonException)
        {
            modelState.AddModelError($"Input.{field}", $"{field} must be JSON in the shape the help and the API describe.");
            return null;
        }
    }

    /// <summary>The use case's messages on the form's fields: a message about a part of the conditions or actions says which part.</summary>
    public static void CopyErrors(Result result, ModelStateDictionary modelState)
    {
        foreach (var (key, messages) in result.Errors)
        {
            var (field, part) = key.StartsWith("conditions.", StringComparison.Ordinal) ? ("Conditions", key["conditions.".Length..])
                : key.StartsWith("actions", StringComparison.Ordinal) && key != "actions" ? ("Actions", key)
                : (char.ToUpperInvariant(key[0]) + key[1..], null);
            foreach (var message in messages)
            {
                modelState.AddModelError($"Input.{field}", part is null ? message : $"{part}: {message}");
            }
        }

        if (result.Outcome is not Outcome.Ok and not Outcome.Invalid && result.Message is not null)
        {
            modelState.AddModelError("", result.Message);
        }
    }
}

/// <summary>What the form needs besides its values: the users a rule may act as.</summary>
public sealed record AutomationFormChoices(IReadOnlyList<TokenUser> Users, AutomationRuleForm Input);
