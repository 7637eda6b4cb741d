using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.ApiTokens;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Features.Webhooks;

/// <summary>The endpoint form of the new and edit pages (<c>_WebhookForm.cshtml</c>), bound as text so odd values get our messages.</summary>
public sealed class WebhookForm
{
    [Display(Name = "Name")]
    public string? Name { get; set; }

    [Display(Name = "URL")]
    public string? Url { get; set; }

    [Display(Name = "Integration user")]
    public string? UserId { get; set; }

    public List<string> Modules { get; set; } = [];

    public List<string> Events { get; set; } = [];

    [Display(Name = "Enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>The filter's rows; blank ones (no field) are left out, and the rest closed up so messages stay on their row.</summary>
    public List<WebhookFilterRow> Filter { get; set; } = [];

    /// <summary>When enabling a disabled endpoint that holds missed events: "deliver" or "drop" (<see cref="Webhooks.MissedEvents"/>).</summary>
    public string? MissedEvents { get; set; }

    /// <summary>Rows shown beyond the filled ones, to add conditions.</summary>
    public const int BlankRows = 2;

    /// <summary>The use case's input, or null with a message on the user field when its value is not an id.</summary>
    public WebhookInput? ToInput(ModelStateDictionary modelState)
    {
        Guid? userId = null;
        if (!string.IsNullOrWhiteSpace(UserId))
        {
            if (!Guid.TryParse(UserId, out var parsed))
            {
                modelState.AddModelError("Input.UserId", "Choose a user from the list.");
                return null;
            }

            userId = parsed;
        }

        Filter = [.. Filter.Where(r => !string.IsNullOrWhiteSpace(r.Field))];
        return new WebhookInput(Name, Url, userId, Modules, Events, Enabled, [.. Filter.Select(r => r.ToCondition())], MissedEvents);
    }

    public static WebhookForm From(WebhookSummary summary) => new()
    {
        Name = summary.Name,
        Url = summary.Url,
        UserId = summary.UserId.ToString(),
        Modules = [.. summary.Modules],
        Events = [.. summary.Events],
        Enabled = summary.Enabled,
        Filter = [.. summary.Filter.Select(WebhookFilterRow.From)],
    };
}

/// <summary>One filter condition on the form: an in-list's values are typed separated by commas.</summary>
public sealed class WebhookFilterRow
{
    public string? Module { get; set; }
    public string? Field { get; set; }
    public string? Operator { get; set; }
    public string? Value { get; set; }

    public WebhookCondition ToCondition() => Operator == Automation.ConditionOperators.InList
        ? new WebhookCondition(Module, Field?.Trim(), Operator, null, [.. (Value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)])
        : new WebhookCondition(Module, Field?.Trim(), Operator, Value);

    public static WebhookFilterRow From(WebhookCondition condition) => new()
    {
        Module = condition.Module,
        Field = condition.Field,
        Operator = condition.Operator,
        Value = condition.Values is { } values ? string.Join(", ", values) : condition.Value,
    };
}

/// <summary>
/// What the form needs besides its values: the users to choose from, the fields a filter may name (module → fields),
/// and for a disabled endpoint the events it missed (0: no choice to make when enabling it).
/// </summary>
public sealed record WebhookFormChoices(IReadOnlyList<TokenUser> Users, WebhookForm Input, IReadOnlyDictionary<string, IReadOnlyList<Records.RecordField>> FilterFields, int Missed = 0);
