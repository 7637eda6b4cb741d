using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Features.Tasks;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>What an administrator sets on a rule, from the form or the API; the same for a new rule and a change.</summary>
public sealed record AutomationRuleInput(
    string? Name, string? Module, string? Trigger, string? TriggerField, string? TriggerValue,
    RuleConditions? Conditions, IReadOnlyList<RuleAction>? Actions, bool? Enabled, Guid? AutomationUserId, Guid? OwnerId, int? Version,
    int? TriggerOffsetDays = null, int? TriggerOffsetHours = null, string? TriggerTime = null);

/// <summary>
/// Creates or changes a rule (administrators only). Every part is checked against the module's
/// fields and the closed operator set, and each problem is named on its own field (for example
/// <c>conditions.groups[0].conditions[1].operator</c>) with nothing saved. A change needs the
/// version read and bumps it; the audit trail records the old and new definition.
/// </summary>
public sealed class SaveAutomationRule(CrmDb db, SettableFields settable, RecordAccess access, RuleFields ruleFields, TimeProvider clock)
{
    public const int MaxGroups = 10;
    public const int MaxConditions = 20;
    public const int MaxActions = 10;
    public const int MaxListValues = 50;
    public const int MaxDays = 3650;
    public const string ChangedBySomeoneElse = "This rule was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";

    public async Task<Result<Guid>> RunAsync(Actor actor, Guid? id, AutomationRuleInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<Guid>.Forbidden("Only an administrator can change automation rules.");
        }

        AutomationRule? rule = null;
        if (id is { } existing)
        {
            rule = await db.Set<AutomationRule>().FirstOrDefaultAsync(r => r.Id == existing, cancellationToken);
            if (rule is null)
            {
                return Result<Guid>.NotFound();
            }

            if (input.Version is { } version && version != rule.Version)
            {
                return Result<Guid>.Conflict(ChangedBySomeoneElse);
            }
        }

        var errors = await CheckAsync(actor, input, cancellationToken);
        if (!errors.Any)
        {
            await CheckLoopsAsync(errors, id, input, cancellationToken);
        }

        if (errors.Any)
        {
            return Result<Guid>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (rule is null)
        {
            rule = new AutomationRule { Id = Guid.CreateVersion7(), CreatedAt = now, Version = 1, OwnerId = input.OwnerId ?? actor.UserId };
            db.Set<AutomationRule>().Add(rule);
        }
        else
        {
            rule.Version++;
            rule.OwnerId = input.OwnerId ?? rule.OwnerId;
        }

        rule.Name = input.Name!.Trim();
        rule.Module = input.Module!;
        rule.Trigger = input.Trigger!;
        rule.TriggerField = input.Trigger is AutomationTriggers.Updated or AutomationTriggers.DateReached or AutomationTriggers.Event ? Blank(input.TriggerField) : null;
        rule.TriggerValue = input.Trigger == AutomationTriggers.Updated && rule.TriggerField is not null ? Blank(input.TriggerValue) : null;
        rule.TriggerOffsetDays = input.Trigger == AutomationTriggers.DateReached ? input.TriggerOffsetDays ?? 0 : null;
        rule.TriggerOffsetHours = input.Trigger == AutomationTriggers.DateReached && input.TriggerOffsetHours is not (null or 0) ? input.TriggerOffsetHours : null;
        rule.TriggerTime = input.Trigger == AutomationTriggers.Schedule ? TimeOfDay(input.TriggerTime?.Trim()) : null;
        rule.Conditions = RuleDefinition.Write(input.Conditions ?? RuleConditions.None);
        rule.Actions = RuleDefinition.Write(input.Actions ?? []);
        rule.IsEnabled = input.Enabled ?? false;
        rule.StoppedReason = null;
        rule.AutomationUserId = input.AutomationUserId!.Value;
        rule.ModifiedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return Result<Guid>.Ok(rule.Id);
    }

    /// <summary>Turns a rule on or off; a change of its own (version bumped, audited). A rule stopped by the CRM starts again only if its automation user is active.</summary>
    public async Task<Result> SetEnabledAsync(Actor actor, Guid id, bool enabled, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only an administrator can change automation rules.");
        }

        var rule = await db.Set<AutomationRule>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Result.NotFound();
        }

        if (enabled && !await db.Users.AnyAsync(u => u.Id == rule.AutomationUserId && u.IsActive, cancellationToken))
        {
            return Result.Invalid("automationUserId", EvaluateRule.AutomationUserInactive);
        }

        if (rule.IsEnabled != enabled)
        {
            rule.IsEnabled = enabled;
            rule.StoppedReason = null;
            rule.Version++;
            rule.ModifiedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result.Ok();
    }

    public const int MaxOffsetDays = 365;
    public const int MaxOffsetHours = 23;

    /// <summary>A date rule waits for one of the module's date fields (<see cref="DateTriggers"/>), a bounded number of days before or after it.</summary>
    private static void CheckDateTrigger(FieldErrors errors, AutomationRuleInput input, AutomationModule? module)
    {
        var dates = DateTriggers.Of(module?.Key).ToList();
        if (module is not null && dates.Count == 0)
        {
            errors.Add("trigger", $"{module.Title} have no date a rule can be timed on. Dates rules can wait for: {string.Join(", ", DateTriggers.All.Select(d => $"{d.Module}.{d.Field}"))}.");
        }
        else if (module is not null && DateTriggers.Find(module.Key, Blank(input.TriggerField)) is null)
        {
            errors.Add("triggerField", $"Choose the date the rule waits for: {string.Join(", ", dates.Select(d => d.Field))}.");
        }

        if (input.TriggerOffsetDays is { } days && Math.Abs(days) > MaxOffsetDays)
        {
            errors.Add("triggerOffsetDays", $"Count at most {MaxOffsetDays} days before or after the date.");
        }

        if (input.TriggerOffsetHours is { } hours && Math.Abs(hours) > MaxOffsetHours)
        {
            errors.Add("triggerOffsetHours", $"Count from -{MaxOffsetHours} to {MaxOffsetHours} hours, beside the days (-1 day and 20 hours: at 20:00 two days before).");
        }

        if (Blank(input.TriggerValue) is not null)
        {
            errors.Add("triggerValue", "A rule fired by a date waits for no value: leave it empty.");
        }
    }

    /// <summary>"08:00": a time of day in hours and minutes on a 24-hour clock; null for anything else.</summary>
    public static TimeOnly? TimeOfDay(string? text) =>
        text is { Length: 5 } && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <summary>
    /// A scheduled rule runs at a time of day over the module's records: it names the time, no field
    /// or value, and no condition on a change, since a schedule is none.
    /// </summary>
    private static void CheckScheduleTrigger(FieldErrors errors, AutomationRuleInput input, AutomationModule? module)
    {
        if (module is not null && ScheduleTriggers.Find(module.Key) is null)
        {
            errors.Add("trigger", $"Rules cannot be scheduled over {module.Title.ToLowerInvariant()}. Modules a rule can be scheduled over: {string.Join(", ", ScheduleTriggers.All.Select(m => m.Module))}.");
        }

        if (string.IsNullOrWhiteSpace(input.TriggerTime))
        {
            errors.Add("triggerTime", "Give the time of day the rule runs, as HH:MM on a 24-hour clock in the organisation's time zone, e.g. 08:00.");
        }
        else if (TimeOfDay(input.TriggerTime.Trim()) is null)
        {
            errors.Add("triggerTime", $"\"{Shown(input.TriggerTime)}\" is not a time of day: write it as HH:MM on a 24-hour clock, from 00:00 to 23:59 (08:00, 17:30).");
        }

        if (Blank(input.TriggerField) is not null)
        {
            errors.Add("triggerField", "A scheduled rule runs over every record that matches its conditions: leave the field empty, and put what the records must have in the conditions.");
        }

        if (Blank(input.TriggerValue) is not null)
        {
            errors.Add("triggerValue", "A scheduled rule waits for no value: leave it empty.");
        }

        var groups = input.Conditions?.Groups ?? [];
        for (var g = 0; g < groups.Count; g++)
        {
            var list = groups[g].Conditions ?? [];
            for (var c = 0; c < list.Count; c++)
            {
                if (list[c].Operator is ConditionOperators.Changed or ConditionOperators.ChangedTo)
                {
                    errors.Add($"conditions.groups[{g}].conditions[{c}].operator",
                        "A scheduled rule looks at records as they are, not at a change: use equals, is empty, before or after instead of changed.");
                }
            }
        }
    }

    /// <summary>An event rule names one of the module's events (<see cref="ModuleEvents"/>) and no value.</summary>
    private static void CheckEventTrigger(FieldErrors errors, AutomationRuleInput input, AutomationModule? module)
    {
        var events = ModuleEvents.Of(module?.Key).ToList();
        if (module is not null && events.Count == 0)
        {
            errors.Add("trigger", $"{module.Title} have no events a rule can wait for.");
        }
        else if (module is not null && ModuleEvents.Find(module.Key, Blank(input.TriggerField)) is null)
        {
            errors.Add("triggerField", $"Choose the event the rule waits for: {string.Join(", ", events.Select(e => $"{e.Key} ({e.Label})"))}.");
        }

        if (Blank(input.TriggerValue) is not null)
        {
            errors.Add("triggerValue", "A rule fired by an event waits for no value: leave it empty.");
        }
    }

    /// <summary>
    /// Refuses a rule whose set-field actions would fire rules that end up firing it again on the
    /// same record (itself included): the chain would only stop at the loop cut, having changed the
    /// record back and forth. Every other rule counts, enabled or not, so enabling one later cannot close a loop.
    /// </summary>
    private async Task CheckLoopsAsync(FieldErrors errors, Guid? id, AutomationRuleInput input, CancellationToken cancellationToken)
    {
        var actions = input.Actions ?? [];
        if (!actions.Any(a => a.Kind == ActionKinds.SetField))
        {
            return;
        }

        var candidate = new AutomationRule
        {
            Id = id ?? Guid.Empty,
            Name = input.Name!.Trim(),
            Module = input.Module!,
            Trigger = input.Trigger!,
            TriggerField = Blank(input.TriggerField),
            TriggerValue = input.Trigger == AutomationTriggers.Updated ? Blank(input.TriggerValue) : null,
            Actions = RuleDefinition.Write(actions),
        };
        var others = await db.Set<AutomationRule>().AsNoTracking().Where(r => r.Module == candidate.Module).ToListAsync(cancellationToken);
        if (RuleLoops.Find(candidate, others) is { } loop)
        {
            errors.Add($"actions[{loop[0].Action}].field",
                $"These rules would fire each other in a loop on {candidate.Module}: {RuleLoops.Describe(loop)}. Change a trigger or an action to break the loop.");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<FieldErrors> CheckAsync(Actor actor, AutomationRuleInput input, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Text("name", "Name", input.Name?.Trim(), AutomationRule.NameMaxLength).PlainText("name", "Name", input.Name?.Trim());
        var module = input.Module is { } key ? AutomationModules.Find(key) : null;
        if (module is null)
        {
            errors.Add("module", $"Choose a module: {string.Join(", ", AutomationModules.All.Select(m => m.Key))}.");
        }
        else if (!module.WholeNumberIds && input.Trigger is AutomationTriggers.Deleted or AutomationTriggers.DateReached or AutomationTriggers.Schedule)
        {
            // ADR 0050: users are deactivated rather than deleted, and have no date or daily round a rule could be timed on.
            errors.Add("trigger", $"A rule on users fires when a user is created or updated, or on an event (deactivated, reactivated); {input.Trigger} is not one of them. For a leaver, use the event \"deactivated\".");
        }

        if (input.Trigger is null || !AutomationTriggers.All.Contains(input.Trigger))
        {
            errors.Add("trigger", $"Choose a trigger: {string.Join(", ", AutomationTriggers.All)}.");
        }

        // The module's fields with its custom fields, as the administrator saving the rule sees them.
        var fields = module is null ? [] : await ruleFields.OfAsync(module, actor, cancellationToken);
        if (input.TriggerOffsetDays is not null && input.Trigger != AutomationTriggers.DateReached)
        {
            errors.Add("triggerOffsetDays", "Only a rule fired by a date counts days from it.");
        }

        if (input.TriggerOffsetHours is not null && input.Trigger != AutomationTriggers.DateReached)
        {
            errors.Add("triggerOffsetHours", "Only a rule fired by a date counts hours from it.");
        }

        if (input.TriggerTime is not null && input.Trigger != AutomationTriggers.Schedule)
        {
            errors.Add("triggerTime", "Only a scheduled rule runs at a time of day.");
        }

        if (input.Trigger == AutomationTriggers.DateReached)
        {
            CheckDateTrigger(errors, input, module);
        }
        else if (input.Trigger == AutomationTriggers.Schedule)
        {
            CheckScheduleTrigger(errors, input, module);
        }
        else if (input.Trigger == AutomationTriggers.Event)
        {
            CheckEventTrigger(errors, input, module);
        }
        else if (Blank(input.TriggerField) is { } triggerField)
        {
            if (input.Trigger != AutomationTriggers.Updated)
            {
                errors.Add("triggerField", "Only a rule fired by updates can wait for a field to change.");
            }
            else if (module is not null && !fields.Any(f => f.Name == triggerField))
            {
                errors.Add("triggerField", UnknownField(triggerField, module, fields));
            }

            errors.Text("triggerValue", "Changed to value", Blank(input.TriggerValue), AutomationRule.ValueMaxLength, required: false);
        }
        else if (Blank(input.TriggerValue) is not null)
        {
            errors.Add("triggerValue", "Name the field that changes to this value.");
        }

        if (module is not null)
        {
            CheckConditions(errors, input.Conditions, module, fields);
            await CheckActionsAsync(errors, input, module, fields, cancellationToken);
        }

        if (input.AutomationUserId is not { } userId)
        {
            errors.Add("automationUserId", "Choose the automation user the rule acts as: it can read and change only what that user may.");
        }
        else if (!await db.Users.AnyAsync(u => u.Id == userId && u.IsActive, cancellationToken))
        {
            errors.Add("automationUserId", "Choose an active user: a deactivated user can do nothing, so the rule would do nothing.");
        }

        if (input.OwnerId is { } ownerId && !await db.Users.AnyAsync(u => u.Id == ownerId && u.IsActive && u.IsAdministrator, cancellationToken))
        {
            errors.Add("ownerId", "The owner of a rule is an active administrator.");
        }

        return errors;
    }

    private static void CheckConditions(FieldErrors errors, RuleConditions? conditions, AutomationModule module, IReadOnlyList<RecordField> fields)
    {
        if (conditions is null)
        {
            return;
        }

        CheckMatch(errors, "conditions.match", conditions.Match);
        var groups = conditions.Groups ?? [];
        if (groups.Count > MaxGroups)
        {
            errors.Add("conditions.groups", $"A rule has at most {MaxGroups} groups of conditions.");
            return;
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var prefix = $"conditions.groups[{g}]";
            CheckMatch(errors, prefix + ".match", groups[g].Match);
            var list = groups[g].Conditions ?? [];
            if (list.Count is 0 or > MaxConditions)
            {
                errors.Add(prefix + ".conditions", $"A group holds 1 to {MaxConditions} conditions.");
                continue;
            }

            for (var c = 0; c < list.Count; c++)
            {
                CheckCondition(errors, $"{prefix}.conditions[{c}]", list[c], module, fields);
            }
        }
    }

    private static void CheckMatch(FieldErrors errors, string key, string? match)
    {
        if (match is not (Matches.All or Matches.Any))
        {
            errors.Add(key, "Match is \"all\" (every condition must hold) or \"any\" (one is enough).");
        }
    }

    private static void CheckCondition(FieldErrors errors, string key, RuleCondition condition, AutomationModule module, IReadOnlyList<RecordField> fields)
    {
        var field = fields.FirstOrDefault(f => f.Name == condition.Field);
        if (field is null)
        {
            errors.Add(key + ".field", UnknownField(condition.Field ?? "", module, fields));
            return;
        }

        CheckOperatorAndValue(errors, key, condition, field, ConditionOperators.For(field.Kind));
    }

    /// <summary>
    /// The checks of one condition once its field is known: an operator of <paramref name="allowed"/> and
    /// a value of the field's kind. Shared with the webhook filters, which allow fewer operators.
    /// </summary>
    public static void CheckOperatorAndValue(FieldErrors errors, string key, RuleCondition condition, RecordField field, IReadOnlyList<string> allowed)
    {
        var op = condition.Operator ?? "";
        if (!ConditionOperators.All.Contains(op))
        {
            errors.Add(key + ".operator", $"Unknown operator \"{Shown(op)}\"; use one of: {string.Join(", ", allowed)}.");
            return;
        }

        if (!allowed.Contains(op))
        {
            errors.Add(key + ".operator", $"\"{op}\" does not apply to {field.Label} ({field.Kind.ToString().ToLowerInvariant()}); use one of: {string.Join(", ", allowed)}.");
            return;
        }

        if (op == ConditionOperators.InList)
        {
            var values = condition.Values ?? [];
            if (values.Count is 0 or > MaxListValues || values.Any(v => string.IsNullOrWhiteSpace(v)))
            {
                errors.Add(key + ".values", $"Give 1 to {MaxListValues} values, none of them empty.");
            }
            else if (values.Any(v => v.Length > AutomationRule.ValueMaxLength))
            {
                errors.Add(key + ".values", $"Each value must be at most {AutomationRule.ValueMaxLength} characters.");
            }
            else
            {
                foreach (var value in values)
                {
                    CheckValue(errors, key + ".values", field, op, value);
                }
            }

            return;
        }

        if (ConditionOperators.TakesNoValue(op))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(condition.Value))
        {
            errors.Add(key + ".value", $"Give the value to compare {field.Label} with.");
        }
        else if (condition.Value.Length > AutomationRule.ValueMaxLength)
        {
            errors.Add(key + ".value", $"Value must be at most {AutomationRule.ValueMaxLength} characters.");
        }
        else
        {
            CheckValue(errors, key + ".value", field, op, condition.Value);
        }
    }

    /// <summary>The value must be of the field's kind: a number for a number, true/false for yes/no, whole days for before/after.</summary>
    private static void CheckValue(FieldErrors errors, string key, RecordField field, string op, string value)
    {
        if (op is ConditionOperators.Before or ConditionOperators.After)
        {
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days) || Math.Abs(days) > MaxDays)
            {
                errors.Add(key, $"Give a whole number of days from today, from -{MaxDays} to {MaxDays} (7: within the next week; -30: more than 30 days ago).");
            }
        }
        else if (field.Kind == FieldKind.Number && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            errors.Add(key, $"{field.Label} is a number: give a number like 25 or 1500.50.");
        }
        else if (field.Kind == FieldKind.YesNo && !bool.TryParse(value, out _))
        {
            errors.Add(key, $"{field.Label} is yes or no: give true or false.");
        }
        else if (field.Kind == FieldKind.Reference && op != ConditionOperators.Contains && !Guid.TryParse(value, out _) && !int.TryParse(value, CultureInfo.InvariantCulture, out _))
        {
            errors.Add(key, $"{field.Label} holds an ID: give the ID.");
        }
    }

    private async Task CheckActionsAsync(FieldErrors errors, AutomationRuleInput input, AutomationModule module, IReadOnlyList<RecordField> fields, CancellationToken cancellationToken)
    {
        var actions = input.Actions ?? [];
        if (actions.Count is 0 or > MaxActions)
        {
            errors.Add("actions", $"A rule has 1 to {MaxActions} actions.");
            return;
        }

        for (var i = 0; i < actions.Count; i++)
        {
            var key = $"actions[{i}]";
            var action = actions[i];
            if (action.Kind is null || !ActionKinds.All.Contains(action.Kind))
            {
                errors.Add(key + ".kind", $"Choose an action: {string.Join(", ", ActionKinds.All)}.");
                continue;
            }

            if (!module.WholeNumberIds && action.Kind is ActionKinds.SetField or ActionKinds.CallWebhook)
            {
                // ADR 0050: a user's account changes only through the administrators' own screens (seats, sessions, two-factor policy
                // and the last administrator are checked there), and users have no webhook events.
                errors.Add(key + ".kind", action.Kind == ActionKinds.SetField
                    ? "Rules cannot set fields of users: an account is changed only by an administrator, on the user's page, where seats, sign-in and the last administrator are checked. Notify someone or create a task for them instead."
                    : "Rules on users cannot call webhooks: a webhook sends a CRM record, and a user's account is none. Notify someone or send an email instead.");
                continue;
            }

            if (action.Kind == ActionKinds.SetField)
            {
                await CheckSetFieldAsync(errors, key, action, module, input.AutomationUserId, cancellationToken);
                continue;
            }

            if (action.Kind == ActionKinds.CallWebhook)
            {
                await CheckWebhookAsync(errors, key, action, cancellationToken);
                continue;
            }

            if (action.WebhookId is not null)
            {
                errors.Add(key + ".webhookId", "Only a call-webhook action names a webhook endpoint.");
            }

            if (action.Field is not null || action.Value is not null || action.Clear is not null)
            {
                errors.Add(key, "Only a set-field action names a field, a value or clear.");
            }

            if (action.Kind == ActionKinds.SendEmail)
            {
                CheckEmail(errors, key, action, module, fields);
                continue;
            }

            var task = action.Kind == ActionKinds.CreateTask;
            errors.Text(key + ".title", "Title", action.Title?.Trim(), task ? CrmTask.TitleMaxLength : Notifications.Notification.TitleMaxLength)
                .PlainText(key + ".title", "Title", action.Title)
                .Text(key + ".message", task ? "Description" : "Message", action.Message?.Trim(),
                    task ? CrmTask.DescriptionMaxLength : Notifications.Notification.BodyMaxLength, required: false)
                .PlainText(key + ".message", task ? "Description" : "Message", action.Message, singleLine: false);
            CheckPlaceholders(errors, key, action, module, fields);
            var who = task ? action.Responsible : action.Recipients;
            var choices = task ? ActionPeople.Responsible : ActionPeople.Recipients;
            var whoKey = key + (task ? ".responsible" : ".recipients");
            if (!module.WholeNumberIds)
            {
                // A user owns no record of theirs: the "manager" is the user's own (ADR 0050).
                choices = [.. choices.Where(c => c != ActionPeople.Owner)];
            }

            if (who is null || !choices.Contains(who))
            {
                errors.Add(whoKey, !module.WholeNumberIds && who == ActionPeople.Owner
                    ? $"A user has no owner: choose {string.Join(", ", choices)} (manager: the user's own manager by the role hierarchy)."
                    : $"Choose {(task ? "who is responsible" : "who is notified")}: {string.Join(", ", choices)}.");
            }
            else if (who == ActionPeople.User && (action.UserId is not { } userId || !await db.Users.AnyAsync(u => u.Id == userId && u.IsActive, cancellationToken)))
            {
                errors.Add(key + ".userId", "Choose an active user.");
            }
            else if (who == ActionPeople.Role && (action.RoleId is not { } roleId || !await db.Roles.AnyAsync(r => r.Id == roleId, cancellationToken)))
            {
                errors.Add(key + ".roleId", "Choose a role.");
            }
            else if (who == ActionPeople.Department && (action.DepartmentId is not { } departmentId || !await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken)))
            {
                errors.Add(key + ".departmentId", "Choose a department.");
            }

            if (task && action.Email == true)
            {
                errors.Add(key + ".email", "Only a notification goes out by email; a task is seen by its responsible users.");
            }

            if (task && action.DueInDays is { } due && (due < 0 || due > MaxDays))
            {
                errors.Add(key + ".dueInDays", $"Due in 0 to {MaxDays} days.");
            }
        }
    }

    /// <summary>
    /// A set-field action names one field the rules can set, and either a value of the field's kind
    /// (a choice field's value among its choices) or <c>clear</c>; the automation user must be allowed
    /// to edit the module and that field, since the rule changes nothing its user could not by hand.
    /// </summary>
    private async Task CheckSetFieldAsync(FieldErrors errors, string key, RuleAction action, AutomationModule module, Guid? automationUserId, CancellationToken cancellationToken)
    {
        if (action.Recipients is not null || action.Responsible is not null || action.UserId is not null || action.RoleId is not null || action.DepartmentId is not null
            || action.DueInDays is not null || action.Email is not null || action.Title is not null || action.Message is not null || action.ToField is not null
            || action.WebhookId is not null)
        {
            errors.Add(key, "A set-field action takes a field and a value (or clear) only: leave out recipients, responsible, userId, roleId, departmentId, dueInDays, email, title, message, toField and webhookId.");
        }

        var settableFields = settable.Of(module.Key);
        if (string.IsNullOrWhiteSpace(action.Field))
        {
            errors.Add(key + ".field", settableFields.Count == 0
                ? $"Rules cannot set fields of {module.Title.ToLowerInvariant()}."
                : $"Name the field to set: {string.Join(", ", settableFields.Select(f => f.Name))}.");
            return;
        }

        if (settable.Find(module.Key, action.Field) is not { } field)
        {
            var known = module.Fields.Any(f => f.Name == action.Field);
            errors.Add(key + ".field", settableFields.Count == 0 ? $"Rules cannot set fields of {module.Title.ToLowerInvariant()}."
                : known ? $"{Shown(action.Field)} is not settable by a rule; fields rules can set on {module.Title.ToLowerInvariant()}: {string.Join(", ", settableFields.Select(f => f.Name))}."
                : $"\"{Shown(action.Field)}\" is not a field of {module.Title.ToLowerInvariant()}; fields rules can set: {string.Join(", ", settableFields.Select(f => f.Name))}.");
            return;
        }

        if (action.Clear == true)
        {
            if (action.Value is not null)
            {
                errors.Add(key + ".value", "Give a value or clear, not both.");
            }
        }
        else if (string.IsNullOrWhiteSpace(action.Value))
        {
            errors.Add(key + ".value", $"Give the value {field.Label} is set to, or \"clear\": true to empty it.");
        }
        else if (action.Value.Length > AutomationRule.ValueMaxLength)
        {
            errors.Add(key + ".value", $"Value must be at most {AutomationRule.ValueMaxLength} characters.");
        }
        else if (SettableFields.Parse(field, action.Value).Problem is { } problem)
        {
            errors.Add(key + ".value", problem);
        }
        else
        {
            errors.PlainText(key + ".value", "Value", action.Value);
        }

        if (automationUserId is { } userId
            && await db.Users.AsNoTracking().Where(u => u.Id == userId && u.IsActive).Select(u => new { u.Id, u.FullName, u.IsAdministrator }).FirstOrDefaultAsync(cancellationToken) is { } user)
        {
            var actor = new Actor(ActorKind.Automation, user.Id, user.IsAdministrator, user.FullName);
            if (!(await access.DecideAsync(actor, module.Key, PermissionAction.Edit, null, cancellationToken)).Allowed)
            {
                errors.Add(key + ".field", $"The automation user may not edit {module.Title.ToLowerInvariant()}, so the rule could not either: give their role the edit right, or choose another automation user.");
            }
            else if (!(await access.FieldsAsync(actor, module.Key, cancellationToken)).CanEdit(field.Name))
            {
                errors.Add(key + ".field", $"The automation user's role may not edit {field.Label} of {module.Title.ToLowerInvariant()}, so the rule could not either.");
            }
        }
    }

    /// <summary>A call-webhook action names one existing, enabled endpoint, and nothing else: the payload is the record's, as the webhook feature builds it.</summary>
    private async Task CheckWebhookAsync(FieldErrors errors, string key, RuleAction action, CancellationToken cancellationToken)
    {
        if (action with { Kind = null, WebhookId = null } != new RuleAction(null))
        {
            errors.Add(key, "A call-webhook action takes a webhookId only: the payload is the record, as the endpoint's integration user reads it.");
        }

        if (action.WebhookId is not { } webhookId)
        {
            errors.Add(key + ".webhookId", "Choose the webhook endpoint to call (Administration › Webhooks).");
        }
        else if (await db.Set<Webhooks.WebhookEndpoint>().AsNoTracking().Where(e => e.Id == webhookId).Select(e => (bool?)e.IsEnabled).FirstOrDefaultAsync(cancellationToken) is not { } enabled)
        {
            errors.Add(key + ".webhookId", "There is no webhook endpoint with this ID.");
        }
        else if (!enabled)
        {
            errors.Add(key + ".webhookId", "This webhook endpoint is disabled: enable it first, or choose another.");
        }
    }

    public const int EmailTextMaxLength = 10000;

    /// <summary>An email to a record's address field: a subject and a text (templates of known fields), nobody else named.</summary>
    private static void CheckEmail(FieldErrors errors, string key, RuleAction action, AutomationModule module, IReadOnlyList<RecordField> fields)
    {
        errors.Text(key + ".title", "Subject", action.Title?.Trim(), OutgoingEmail.SubjectMaxLength).PlainText(key + ".title", "Subject", action.Title)
            .Text(key + ".message", "Text", action.Message?.Trim(), EmailTextMaxLength).PlainText(key + ".message", "Text", action.Message, singleLine: false);
        CheckPlaceholders(errors, key, action, module, fields);
        var texts = fields.Where(f => f.Kind == FieldKind.Text).Select(f => f.Name).ToList();
        if (string.IsNullOrWhiteSpace(action.ToField))
        {
            errors.Add(key + ".toField", $"Name the field that holds the address to write to, such as email.");
        }
        else if (!texts.Contains(action.ToField))
        {
            errors.Add(key + ".toField", $"{Shown(action.ToField)} is not a text field of {module.Title.ToLowerInvariant()}; use one of: {string.Join(", ", texts)}.");
        }

        if (action.Recipients is not null || action.Responsible is not null || action.UserId is not null || action.RoleId is not null
            || action.DepartmentId is not null || action.DueInDays is not null || action.Email is not null)
        {
            errors.Add(key, "An email goes to the record's address only: leave out recipients, responsible, userId, roleId, departmentId, dueInDays and email.");
        }
    }

    private static void CheckPlaceholders(FieldErrors errors, string key, RuleAction action, AutomationModule module, IReadOnlyList<RecordField> fields)
    {
        foreach (var (text, name) in new[] { (action.Title, "title"), (action.Message, "message") })
        {
            foreach (var missing in RuleDefinition.Placeholders(text).Where(p => !fields.Any(f => f.Name == p)).Distinct())
            {
                errors.Add($"{key}.{name}", $"{{{{{Shown(missing)}}}}} is not a field of {module.Title.ToLowerInvariant()}; use one of: {string.Join(", ", fields.Select(f => f.Name))}.");
            }
        }
    }

    private static string UnknownField(string name, AutomationModule module, IReadOnlyList<RecordField> fields) =>
        $"\"{Shown(name)}\" is not a field of {module.Title.ToLowerInvariant()}; use one of: {string.Join(", ", fields.Select(f => f.Name))}.";

    /// <summary>A value echoed in a message, cut short: a 10,000-character field name is not repeated back.</summary>
    private static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
