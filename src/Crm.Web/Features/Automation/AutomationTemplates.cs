using Crm.Web.Data;
using Crm.Web.Features.Deals;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>
/// A rule the CRM ships ready to use: made disabled from the template, tried, then enabled with one click.
/// <see cref="ForRole"/> names the role (by name) whose people a task or notification of the template
/// without a named user or role goes to, found when the template is used (<see cref="UseAutomationTemplate"/>).
/// </summary>
public sealed record AutomationTemplate(string Key, string Name, string Description, AutomationRuleInput Rule, string? ForRole = null);

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
        new("new-employee", "New employee → onboarding task for HR",
            "When a person is added as a user (not an integration user), HR gets a task due in 3 days to onboard them, naming their role, departments and manager. The task goes to the first active user of the HR role, or to you when that role has nobody: change the responsible user before enabling it if needed. Rules on users act as an administrator, since only administrators see accounts.",
            new AutomationRuleInput("New employee → onboarding task for HR", UserRecords.ModuleKey, AutomationTriggers.Created, null, null,
                new RuleConditions(Matches.All, [new ConditionGroup(Matches.All, [new RuleCondition("isIntegration", ConditionOperators.EqualTo, "false")])]),
                [new RuleAction(ActionKinds.CreateTask, Responsible: ActionPeople.User,
                    Title: "Onboard {{fullName}}",
                    Message: "{{fullName}} ({{email}}) joins as {{role}}, in {{departments}}; their manager: {{manager}}. Prepare their equipment, accounts and first week.",
                    DueInDays: 3)],
                Enabled: false, AutomationUserId: null, OwnerId: null, Version: null), ForRole: "HR"),
        new("user-deactivated", "User deactivated → notify HR to revoke external access",
            "When a user is deactivated (on their page or by the offboarding wizard), everyone in the HR role is notified to revoke their access to systems outside the CRM; you are, when no role is called HR.",
            new AutomationRuleInput("User deactivated → notify HR to revoke external access", UserRecords.ModuleKey, AutomationTriggers.Event, "deactivated", null,
                RuleConditions.None,
                [new RuleAction(ActionKinds.Notify, Recipients: ActionPeople.Role,
                    Title: "Revoke external access: {{fullName}}",
                    Message: "{{fullName}} ({{email}}, {{role}}) was deactivated in the CRM. Revoke their access to the systems outside it: email, VPN, shared drives, customer portals.")],
                Enabled: false, AutomationUserId: null, OwnerId: null, Version: null), ForRole: "HR"),
    ];

    public static AutomationTemplate? Find(string key) => All.FirstOrDefault(t => t.Key == key);
}

/// <summary>Makes a disabled rule from a template, acting as the administrator who asks (they may change the automation user before enabling it).</summary>
public sealed class UseAutomationTemplate(CrmDb db, SaveAutomationRule save)
{
    public async Task<Result<Guid>> RunAsync(Actor actor, string key, CancellationToken cancellationToken)
    {
        if (AutomationTemplates.Find(key) is not { } template)
        {
            return Result<Guid>.NotFound();
        }

        var rule = template.Rule with { AutomationUserId = actor.UserId, Enabled = false };
        if (template.ForRole is { } roleName && actor.IsAdministrator)
        {
            // The template names a role, not an ID: this organisation's role of that name, if it still has one, else the administrator using it.
            var role = await db.Roles.AsNoTracking().Where(r => r.Name == roleName).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
            var person = role is null ? null : await db.Users.AsNoTracking().Where(u => u.IsActive && u.RoleId == role)
                .OrderBy(u => u.FullName).ThenBy(u => u.Id).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
            rule = rule with
            {
                Actions = [.. (rule.Actions ?? []).Select(a =>
                    a.Responsible == ActionPeople.User && a.UserId is null ? a with { UserId = person ?? actor.UserId }
                    : a.Recipients == ActionPeople.Role && a.RoleId is null ? role is null ? a with { Recipients = ActionPeople.User, UserId = actor.UserId } : a with { RoleId = role }
                    : a)],
            };
        }

        return await save.RunAsync(actor, null, rule, cancellationToken);
    }
}
