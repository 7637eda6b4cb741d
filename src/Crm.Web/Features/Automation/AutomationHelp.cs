using Crm.Web.Features.Help;

namespace Crm.Web.Features.Automation;

/// <summary>The help page of the automation screens: each trigger with an example, conditions, actions, the try and the run log.</summary>
public static class AutomationHelp
{
    public static readonly HelpTopic Topic = new("automation", "Automation",
    [
        "An automation rule does something for you when a record changes: it notifies people or creates a task. A rule has a module (leads, deals, tasks…), a trigger, conditions and actions, and acts as its automation user: it reads and changes only what that user may, and the history of what it changes names the rule and that user. Give the automation user a role with just what the rule needs.",
        "Trigger \"created\" fires when a record is added (also restored), for example every new lead from the web form. Trigger \"updated\" fires on any change, or only when a named field changes (a deal's stage), or only when it changes to a given value (a deal's stage becomes \"won\"); a transfer to a new owner is an update of the owner. Trigger \"deleted\" fires when a record is deleted, for example to tell a manager a company was removed.",
        "Conditions filter further: each compares a field of the record, as the automation user sees it, with a value. Text fields take equals, not equals, contains, is empty, is not empty, in list, changed and changed to (case does not matter); numbers also greater than and less than; dates is empty, before and after a number of days from today (before 7: within the next week or earlier) and changed. Conditions sit in groups: a group needs all or any of its conditions, and the rule needs all or any of its groups. A field the automation user may not see reads as empty; a record they may not see never matches.",
        "Actions run in order, a moment after the change is saved, never holding it up: \"notify\" sends an in-app notification to a named user, the record's owner, the owner's manager (the users holding the parent role of the owner's role, those in the owner's department first), everyone in a role or in a department, and also by email when the action says \"email\": true; \"create task\" adds a task due in a number of days for the owner, their manager or a named user, linked to the record. Titles and texts may use the record's fields as {{firstName}}, {{companyName}} and so on.",
        "Try on record runs the rule's own evaluation on a record you choose and shows, step by step, what the trigger was, which conditions held with which values and what the actions would do, without doing it. New rules start disabled: try them, then enable them. The shipped template \"Urgent lead → notify the owner's manager\" makes such a rule in one click.",
        "Each rule's run log lists its runs: the change that fired it, the record, each condition with the values compared, each action with what it did or why it failed, the time taken and the rule's version (every change of a rule raises it, and is kept in the audit trail). A failed action is tried again after 5 seconds, 1 minute, 5 minutes, 30 minutes, 2 hours and 6 hours; the save that fired it stays saved. A rule whose automation user is deactivated stops and says why. Changes made by rules can fire other rules, up to three in a row, and never the same rule on the same record twice in one chain.",
    ], AdministratorsOnly: true);
}
