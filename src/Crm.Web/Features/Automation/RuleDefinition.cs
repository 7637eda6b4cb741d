using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Crm.Web.Records;

namespace Crm.Web.Features.Automation;

/// <summary>One test on a field: <see cref="Operator"/> from the closed set of <see cref="ConditionOperators"/>.</summary>
public sealed record RuleCondition(string? Field, string? Operator, string? Value = null, IReadOnlyList<string>? Values = null);

/// <summary>Conditions joined by "all" (AND) or "any" (OR).</summary>
public sealed record ConditionGroup(string? Match, IReadOnlyList<RuleCondition>? Conditions);

/// <summary>Groups joined by "all" or "any": one level deep, no nesting beyond it. No groups: the rule always matches.</summary>
public sealed record RuleConditions(string? Match, IReadOnlyList<ConditionGroup>? Groups)
{
    public static readonly RuleConditions None = new(Matches.All, []);
}

/// <summary>
/// One action. <c>notify</c>: <see cref="Recipients"/> (user, owner, manager, role, department) get
/// <see cref="Title"/> and <see cref="Message"/> in-app. <c>create-task</c>: a task titled
/// <see cref="Title"/> with <see cref="Message"/> as its description, due in <see cref="DueInDays"/>,
/// for <see cref="Responsible"/> (owner, manager, user), linked to the record. Texts are templates
/// with <c>{{field}}</c> placeholders. A notification with <see cref="Email"/> also goes out by
/// email, through the outbox. <c>send-email</c>: an email with <see cref="Title"/> as its subject and
/// <see cref="Message"/> as its text to the address in the record's field <see cref="ToField"/>
/// (a lead's or contact's email), through the outbox, unless that address unsubscribed.
/// <c>set-field</c>: the record's <see cref="Field"/> becomes <see cref="Value"/>, or is emptied when
/// <see cref="Clear"/>, through the module's own save (<see cref="SettableFields"/>). <c>call-webhook</c>:
/// the record's payload goes to the webhook endpoint <see cref="WebhookId"/>, through its delivery queue.
/// </summary>
public sealed record RuleAction(
    string? Kind, string? Recipients = null, Guid? UserId = null, int? RoleId = null, int? DepartmentId = null,
    string? Title = null, string? Message = null, int? DueInDays = null, string? Responsible = null, bool? Email = null,
    string? ToField = null, string? Field = null, string? Value = null, bool? Clear = null, Guid? WebhookId = null);

public static class Matches
{
    public const string All = "all";
    public const string Any = "any";
}

public static class ActionKinds
{
    public const string Notify = "notify";
    public const string CreateTask = "create-task";
    public const string SendEmail = "send-email";
    public const string SetField = "set-field";
    public const string CallWebhook = "call-webhook";

    public static readonly IReadOnlyList<string> All = [Notify, CreateTask, SendEmail, SetField, CallWebhook];
}

/// <summary>Who an action is for.</summary>
public static class ActionPeople
{
    public const string User = "user";
    public const string Owner = "owner";

    /// <summary>The users holding the parent role of the owner's role (the role hierarchy), sharing a department with the owner when some do.</summary>
    public const string Manager = "manager";
    public const string Role = "role";
    public const string Department = "department";

    public static readonly IReadOnlyList<string> Recipients = [User, Owner, Manager, Role, Department];
    public static readonly IReadOnlyList<string> Responsible = [Owner, Manager, User];
}

/// <summary>The closed set of condition operators; which apply to a field depends on its kind.</summary>
public static class ConditionOperators
{
    public const string EqualTo = "equals";
    public const string NotEqualTo = "not-equals";
    public const string Contains = "contains";
    public const string IsEmpty = "is-empty";
    public const string IsNotEmpty = "is-not-empty";
    public const string GreaterThan = "greater-than";
    public const string LessThan = "less-than";
    public const string InList = "in-list";
    public const string Changed = "changed";
    public const string ChangedTo = "changed-to";

    /// <summary>A date before today plus the value's days (negative: days ago).</summary>
    public const string Before = "before";
    public const string After = "after";

    public static readonly IReadOnlyList<string> All = [EqualTo, NotEqualTo, Contains, IsEmpty, IsNotEmpty, GreaterThan, LessThan, InList, Changed, ChangedTo, Before, After];

    public static IReadOnlyList<string> For(FieldKind kind) => kind switch
    {
        FieldKind.Text => [EqualTo, NotEqualTo, Contains, IsEmpty, IsNotEmpty, InList, Changed, ChangedTo],
        FieldKind.Number => [EqualTo, NotEqualTo, GreaterThan, LessThan, IsEmpty, IsNotEmpty, InList, Changed, ChangedTo],
        FieldKind.Date => [IsEmpty, IsNotEmpty, Before, After, Changed],
        FieldKind.YesNo => [EqualTo, IsEmpty, IsNotEmpty, Changed, ChangedTo],
        _ => [EqualTo, NotEqualTo, IsEmpty, IsNotEmpty, InList, Changed, ChangedTo],
    };

    /// <summary>Operators that compare with no value of their own.</summary>
    public static bool TakesNoValue(string op) => op is IsEmpty or IsNotEmpty or Changed;
}

/// <summary>How rule definitions are written to their columns and read back.</summary>
public static partial class RuleDefinition
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Json);

    public static RuleConditions ConditionsOf(AutomationRule rule) =>
        string.IsNullOrEmpty(rule.Conditions) ? RuleConditions.None : JsonSerializer.Deserialize<RuleConditions>(rule.Conditions, Json) ?? RuleConditions.None;

    public static IReadOnlyList<RuleAction> ActionsOf(AutomationRule rule) => JsonSerializer.Deserialize<List<RuleAction>>(rule.Actions, Json) ?? [];

    /// <summary>The field names a template's <c>{{field}}</c> placeholders use.</summary>
    public static IEnumerable<string> Placeholders(string? template) =>
        template is null ? [] : PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value);

    /// <summary>The template with each placeholder replaced by <paramref name="value"/> of its field.</summary>
    public static string Render(string? template, Func<string, string> value) =>
        template is null ? "" : PlaceholderPattern().Replace(template, m => value(m.Groups[1].Value));

    // A field's name, or a custom field's as the API names it: {{lastName}}, {{customFields.tier}}.
    [GeneratedRegex(@"\{\{\s*((?:customFields\.)?[A-Za-z0-9_]+)\s*\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PlaceholderPattern();
}
