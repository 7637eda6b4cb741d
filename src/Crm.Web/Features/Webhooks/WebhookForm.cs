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

        return new WebhookInput(Name, Url, userId, Modules, Events, Enabled);
    }

    public static WebhookForm From(WebhookSummary summary) => new()
    {
        Name = summary.Name,
        Url = summary.Url,
        UserId = summary.UserId.ToString(),
        Modules = [.. summary.Modules],
        Events = [.. summary.Events],
        Enabled = summary.Enabled,
    };
}

/// <summary>What the form needs besides its values: the users to choose from.</summary>
public sealed record WebhookFormChoices(IReadOnlyList<TokenUser> Users, WebhookForm Input);
