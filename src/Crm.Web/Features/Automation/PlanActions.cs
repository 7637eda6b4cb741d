using System.Globalization;
using System.Net.Mail;
using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>
/// What one action will do, decided when the rule runs: the people (resolved now, so the log says
/// who), the texts rendered from the record as the automation user read it, the due day. The
/// worker does exactly this later; "Try on record" shows it and stops.
/// </summary>
public sealed record PlannedAction(
    int Position, string Kind, string Summary, IReadOnlyList<Guid> People, string Title, string Message, DateOnly? Due,
    string Module, int RecordId, string? Problem, bool Email = false, string? To = null, string? Field = null, string? Value = null, Guid? WebhookId = null,
    string? RecordKey = null)
{
    /// <summary>The record's key: "12", or a user's GUID (<see cref="RecordKey"/>, ADR 0050).</summary>
    public string Shown => RecordKey ?? RecordId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Turns a matching rule's actions into <see cref="PlannedAction"/>s for one record (used by the engine and by the try).</summary>
public sealed class PlanActions(CrmDb db, OrganisationCalendar calendar, SettableFields settable)
{
    public async Task<IReadOnlyList<PlannedAction>> RunAsync(AutomationRule rule, RecordValues record, CancellationToken cancellationToken)
    {
        var planned = new List<PlannedAction>();
        var actions = RuleDefinition.ActionsOf(rule);
        for (var i = 0; i < actions.Count; i++)
        {
            planned.Add(await PlanAsync(i + 1, rule.Module, actions[i], record, cancellationToken));
        }

        return planned;
    }

    private async Task<PlannedAction> PlanAsync(int position, string module, RuleAction action, RecordValues record, CancellationToken cancellationToken)
    {
        // Fields the automation user may not see are null in the record, so they render empty.
        string Value(string field) => record[field] ?? "";
        var title = RuleDefinition.Render(action.Title, Value).Trim();
        var message = RuleDefinition.Render(action.Message, Value).Trim();
        if (record.Key is not null && action.Kind is ActionKinds.SetField or ActionKinds.CallWebhook)
        {
            // Refused when the rule is saved (ADR 0050); a rule stored before cannot do it either.
            return new PlannedAction(position, action.Kind, $"{action.Kind} on {module} {record.Key}", [], "", "", null, module, 0,
                $"Rules on {module} cannot {(action.Kind == ActionKinds.SetField ? "set fields" : "call webhooks")}.", RecordKey: record.Key);
        }

        if (action.Kind == ActionKinds.SetField)
        {
            // A fixed value (no template): what the rule says is what the save gets, checked by it.
            var value = action.Clear == true ? null : action.Value;
            var field = action.Field ?? "";
            return new PlannedAction(position, ActionKinds.SetField, SettableFields.Describe(field, value, module, record.Id), [], "", "", null, module, record.Id,
                settable.Find(module, field) is null ? $"{field} is not a field rules can set on {module}." : null, Field: field, Value: value);
        }

        if (action.Kind == ActionKinds.CallWebhook)
        {
            var endpoint = await db.Set<Webhooks.WebhookEndpoint>().AsNoTracking().Where(e => e.Id == action.WebhookId).Select(e => e.Name).FirstOrDefaultAsync(cancellationToken);
            return new PlannedAction(position, ActionKinds.CallWebhook, $"Send {module} {record.Id} to the webhook endpoint \"{endpoint ?? "(deleted)"}\".", [], "", "", null, module, record.Id,
                endpoint is null ? "The webhook endpoint no longer exists." : null, WebhookId: action.WebhookId);
        }

        if (action.Kind == ActionKinds.SendEmail)
        {
            // The address as the automation user reads it: a field hidden from them is empty, and nothing is sent.
            var to = Value(action.ToField ?? "").Trim();
            var valid = MailAddress.TryCreate(to, out var address) && address.Address == to;
            return new PlannedAction(position, ActionKinds.SendEmail, $"Email {(to.Length == 0 ? "nobody" : to)} ({action.ToField}): \"{title}\".",
                [], title, message, null, module, record.Id,
                valid ? null : to.Length == 0 ? $"No address to write to: {action.ToField} is empty." : $"{action.ToField} is not an email address.", To: valid ? to : null,
                RecordKey: record.Key);
        }

        var who = action.Kind == ActionKinds.CreateTask ? action.Responsible : action.Recipients;
        var (people, described) = await PeopleAsync(who, action, record, cancellationToken);
        if (record.Key is not null && who == ActionPeople.Manager)
        {
            described = "the user's manager";
        }

        var problem = people.Count == 0 ? $"Nobody to {(action.Kind == ActionKinds.CreateTask ? "give the task to" : "notify")}: {described} is nobody active." : null;
        var names = await db.Users.Where(u => people.Contains(u.Id)).OrderBy(u => u.FullName).Select(u => u.FullName).ToListAsync(cancellationToken);
        var toWhom = names.Count == 0 ? described : $"{string.Join(", ", names)} ({described})";
        if (action.Kind == ActionKinds.CreateTask)
        {
            var due = (await calendar.TodayAsync(cancellationToken)).AddDays(action.DueInDays ?? 0);
            if (record.Key is { } key)
            {
                // A task links to a CRM record, never to a user's account: it names the user and where to find them instead.
                message = $"{message}\n\nAbout {record.Label}: {AutomationModules.Find(module)?.LinkTo(key)}".Trim();
            }

            return new PlannedAction(position, ActionKinds.CreateTask,
                $"Create the task \"{title}\" due {due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} for {toWhom}, "
                + (record.Key is null ? $"linked to {module} {record.Id}." : $"mentioning {record.Label}."),
                people, title, message, due, module, record.Id, problem, RecordKey: record.Key);
        }

        var email = action.Email == true;
        return new PlannedAction(position, ActionKinds.Notify, $"Notify {toWhom}{(email ? " in the CRM and by email" : "")}: \"{title}\".",
            people, title, message, null, module, record.Id, problem, email, RecordKey: record.Key);
    }

    /// <summary>The active users an action is for, and how the rule named them.</summary>
    private async Task<(List<Guid> People, string Described)> PeopleAsync(string? who, RuleAction action, RecordValues record, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking().Where(u => u.IsActive);
        // A user's record has no owner: "manager" is the user's own manager (ADR 0050).
        Guid? owner = Guid.TryParse(record.Key is null ? record["ownerId"] : record.Key, out var ownerId) ? ownerId : null;
        switch (who)
        {
            case ActionPeople.User:
                return (await users.Where(u => u.Id == action.UserId).Select(u => u.Id).ToListAsync(cancellationToken), "the named user");
            case ActionPeople.Owner:
                return (await users.Where(u => u.Id == owner).Select(u => u.Id).ToListAsync(cancellationToken), "the record's owner");
            case ActionPeople.Role:
                return (await users.Where(u => u.RoleId == action.RoleId).Select(u => u.Id).ToListAsync(cancellationToken), "everyone in the role");
            case ActionPeople.Department:
                return (await users.Where(u => db.UserDepartments.Any(m => m.UserId == u.Id && m.DepartmentId == action.DepartmentId)).Select(u => u.Id)
                    .ToListAsync(cancellationToken), "everyone in the department");
            case ActionPeople.Manager:
                return (await ManagersOfAsync(db, owner, cancellationToken), "the owner's manager");
            default:
                return ([], "no one");
        }
    }

    /// <summary>
    /// The owner's managers by the role hierarchy: active users holding the parent role of the
    /// owner's role; of those, the ones sharing a department with the owner when there are any.
    /// </summary>
    public static async Task<List<Guid>> ManagersOfAsync(CrmDb db, Guid? owner, CancellationToken cancellationToken)
    {
        var parent = await db.Users.Where(u => u.Id == owner).Join(db.Roles, u => u.RoleId, r => r.Id, (u, r) => r.ParentId).FirstOrDefaultAsync(cancellationToken);
        if (parent is null)
        {
            return [];
        }

        var managers = await db.Users.AsNoTracking().Where(u => u.IsActive && u.RoleId == parent).Select(u => u.Id).ToListAsync(cancellationToken);
        var ownerDepartments = await db.UserDepartments.Where(m => m.UserId == owner).Select(m => m.DepartmentId).ToListAsync(cancellationToken);
        var near = await db.UserDepartments.Where(m => managers.Contains(m.UserId) && ownerDepartments.Contains(m.DepartmentId)).Select(m => m.UserId).Distinct()
            .ToListAsync(cancellationToken);
        return near.Count > 0 ? near : managers;
    }
}
