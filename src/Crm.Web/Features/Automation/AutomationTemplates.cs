using Crm.Web.Features.Deals;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Automation;

/// <summary>A rule the CRM ships ready to use: made disabled from the template, tried, then enabled with one click.</summary>
public sealed record AutomationTemplate(string Key, string Name, string Description, AutomationRuleInput Rule);

/// <summary>
/// The shipped templates for the modules that exist. Leads have no priority field, so "urgent" is
/// the word in the lead's notes.
/// </summary>
public static class AutomationTemplates
{
    public static readonly IReadOnlyList<AutomationTemplate> All =
    [
        new("urgent-lead", "Urgent lead → notify the owner's manager",
            "When a lead is added whose notes say \"urgent\", the manager of the lead's owner (the parent role in the role hierarchy) is notified at once.",
            new AutomationRuleInput("Urgent lead → notify the owner's manager", CrmModules.Leads.Key, AutomationTriggers.Created, null, null,
                new RuleConditions(Matches.All, [new ConditionGroup(Matches.All, [new RuleCondition("notes", ConditionOperators.Contains, "urgent")])]),
                [new RuleAction(ActionKinds.Notify, Recipients: ActionPeople.Manager,
                    Title: "Urgent lead: {{firstName}} {{lastName}}",
                    Message: "{{ownerName}} has a new urgent lead from {{companyName}} (source: {{source}}). Email {{email}}, phone {{phone}}.")],
                Enabled: false, AutomationUserId: null, OwnerId: null, Version: null)),
        new("deal-closing", "Deal closing in 7 days → reminder task for its owner",
            "Seven days before a deal's expected close, unless it is already won or lost, its owner gets a task due that day to prepare the closing.",
            new AutomationRuleInput("Deal closing in 7 days → reminder task for its owner", CrmModules.Deals.Key, AutomationTriggers.DateReached, "expectedClose", null,
                new RuleConditions(Matches.All, [new ConditionGroup(Matches.All, [new RuleCondition("stage", ConditionOperators.InList, Values: [.. DealStages.All.Except(DealStages.Closed)])])]),
                [new RuleAction(ActionKinds.CreateTask, Responsible: ActionPeople.Owner,
                    Title: "Closing in 7 days: {{title}}",
                    Message: "{{title}} is expected to close on {{expectedClose}} ({{amount}} {{currency}}, stage {{stage}}). Check what the customer still needs.",
                    DueInDays: 0)],
                Enabled: false, AutomationUserId: null, OwnerId: null, Version: null, TriggerOffsetDays: -7)),
    ];

    public static AutomationTemplate? Find(string key) => All.FirstOrDefault(t => t.Key == key);
}

/// <summary>Makes a disabled rule from a template, acting as the administrator who asks (they may change the automation user before enabling it).</summary>
public sealed class UseAutomationTemplate(SaveAutomationRule save)
{
    public async Task<Result<Guid>> RunAsync(Actor actor, string key, CancellationToken cancellationToken)
    {
        if (AutomationTemplates.Find(key) is not { } template)
        {
            return Result<Guid>.NotFound();
        }

        return await save.RunAsync(actor, null, template.Rule with { AutomationUserId = actor.UserId, Enabled = false }, cancellationToken);
    }
}
