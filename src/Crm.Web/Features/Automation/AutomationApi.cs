using Crm.Web.Security;

namespace Crm.Web.Features.Automation;

/// <summary>The automation rules of <c>/api/v1</c>, for administrators, over the same use cases as the pages.</summary>
public static class AutomationApi
{
    public static RouteGroupBuilder MapAutomationApi(this RouteGroupBuilder api)
    {
        var automation = api.MapGroup("/automation").WithTags("Automation").RequireAuthorization(Policies.Administrator);

        automation.MapGet("/fields", async (HttpContext http, SettableFields settable, RuleFields ruleFields, CancellationToken cancellationToken) =>
            {
                var fields = new Dictionary<string, IReadOnlyList<Records.RecordField>>();
                foreach (var module in AutomationModules.All)
                {
                    fields[module.Key] = await ruleFields.OfAsync(module, http.Actor(), cancellationToken);
                }

                return Results.Ok(AutomationModules.All.Select(m => new
            {
                module = m.Key,
                fields = fields[m.Key].Select(f => new { name = f.Name, label = f.Label, kind = f.Kind.ToString().ToLowerInvariant(), operators = ConditionOperators.For(f.Kind) }),
                settable = settable.Of(m.Key).Select(f => new { name = f.Name, label = f.Label, choices = f.Choices }),
                dates = DateTriggers.Of(m.Key).Select(d => d.Field),
                events = ModuleEvents.Of(m.Key).Select(e => new { key = e.Key, label = e.Label }),
            }));
            })
            .WithName("ListAutomationFields")
            .WithSummary("Each module rules can watch, with its fields (custom fields as customFields.key), their kind and the condition operators each allows, the fields a set-field action can change (with a choice field's values), the dates a rule can be timed on and the events it can wait for.");

        automation.MapGet("/templates", () => Results.Ok(AutomationTemplates.All.Select(t => new { key = t.Key, name = t.Name, description = t.Description, rule = t.Rule })))
            .WithName("ListAutomationTemplates")
            .WithSummary("The rules the CRM ships, ready to use.");

        automation.MapPost("/templates/{key}", async (HttpContext http, string key, UseAutomationTemplate use, CancellationToken cancellationToken) =>
                (await use.RunAsync(http.Actor(), key, cancellationToken)).ToHttp(id => Results.Json(new { id }, statusCode: StatusCodes.Status201Created)))
            .WithName("UseAutomationTemplate")
            .WithSummary("Makes a disabled rule from the template, acting as the caller; try it, then enable it.");

        var rules = automation.MapGroup("/rules");
        rules.MapGet("", async (HttpContext http, ListAutomationRules list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListAutomationRules")
            .WithSummary("Every rule with its last run and how many of its actions failed for good.");

        rules.MapPost("", async (HttpContext http, AutomationRuleInput body, SaveAutomationRule save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body, cancellationToken)).ToHttp(id => Results.Json(new { id }, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateAutomationRule")
            .WithSummary("Adds a rule (disabled unless enabled: true). Each problem is named on its field, e.g. conditions.groups[0].conditions[1].operator.");

        rules.MapGet("/{id:guid}", async (HttpContext http, Guid id, ReadAutomationRule read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("ReadAutomationRule")
            .WithSummary("One rule with its definition and version.");

        rules.MapPut("/{id:guid}", async (HttpContext http, Guid id, AutomationRuleInput body, SaveAutomationRule save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("UpdateAutomationRule")
            .WithSummary("Replaces the rule's definition; give the version read (409 if it changed since). The version goes up by one.");

        rules.MapDelete("/{id:guid}", async (HttpContext http, Guid id, DeleteAutomationRule delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteAutomationRule")
            .WithSummary("Removes the rule with its run log.");

        rules.MapPost("/{id:guid}/enable", async (HttpContext http, Guid id, SaveAutomationRule save, CancellationToken cancellationToken) =>
                (await save.SetEnabledAsync(http.Actor(), id, true, cancellationToken)).ToHttp())
            .WithName("EnableAutomationRule")
            .WithSummary("Turns the rule on: it runs on changes committed from now on.");

        rules.MapPost("/{id:guid}/disable", async (HttpContext http, Guid id, SaveAutomationRule save, CancellationToken cancellationToken) =>
                (await save.SetEnabledAsync(http.Actor(), id, false, cancellationToken)).ToHttp())
            .WithName("DisableAutomationRule")
            .WithSummary("Turns the rule off; actions already queued still run.");

        rules.MapGet("/{id:guid}/runs", async (HttpContext http, Guid id, ReadAutomationRule read, CancellationToken cancellationToken) =>
                (await read.RunsAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("ListAutomationRuns")
            .WithSummary("The rule's latest 50 runs: trigger, record, each condition's outcome with values, each action's outcome, duration, errors, rule version.");

        rules.MapPost("/{id:guid}/try", async (HttpContext http, Guid id, TryRequest body, TryAutomationRule tryRule, CancellationToken cancellationToken) =>
                (await tryRule.RunAsync(http.Actor(), id, body.RecordId, cancellationToken, body.UserId)).ToHttp())
            .WithName("TryAutomationRule")
            .WithSummary("Runs the rule's evaluation on a record (recordId; for a rule on users, the user's userId) and says step by step what held and what the actions would do, without doing it.");

        rules.MapGet("/{id:guid}/upcoming", async (HttpContext http, Guid id, PreviewDateRule preview, CancellationToken cancellationToken) =>
                (await preview.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("PreviewAutomationRuleFirings")
            .WithSummary("For a rule fired by a date or a schedule: its next 20 firings (record, its date, the day and time the rule is due), from the records' dates as they stand; for a schedule, the records that match now, at its next run.");

        return api;
    }

    /// <param name="RecordId">The ID of a record of the rule's module.</param>
    /// <param name="UserId">For a rule on users: the ID of the user to try it on.</param>
    public sealed record TryRequest(int? RecordId, Guid? UserId = null);
}
